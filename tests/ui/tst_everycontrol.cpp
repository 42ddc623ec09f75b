// Every button pressed, every action and menu entry triggered, every dialog opened and cancelled, in each
// state of each tab: the next crash is in a control nobody's test pressed (issue 10).
#include "capturestore.h"
#include "changesview.h"
#include "runnerlog.h"
#include "comparedialog.h"
#include "configtransfer.h"
#include "confeditor.h"
#include "jsoneditor.h"
#include <QPushButton>
#include "exchangeview.h"
#include "routeeditor.h"
#include "replayeditor.h"
#include "routeexplainer.h"
#include "runnerprocess.h"
#include "routeform.h"
#include "routespanel.h"
#include "trafficfilter.h"
#include "trafficmodel.h"
#include "trafficpanel.h"
#include "uidriver.h"
#include "runnerview.h"
#include "userguide.h"
#include "welcomeview.h"
#include "windowfixture.h"
#include "testfiles.h"

#include <QAbstractButton>
#include <csignal>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QMenu>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QScrollBar>
#include <QTextBrowser>
#include <QStatusBar>
#include <QMenuBar>
#include <QPointer>
#include <QSignalSpy>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTreeWidget>
#include <QHeaderView>
#include <QSettings>

using namespace WindowFixture;

class TestEveryControl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void firstRunExplainsItself();
    void adminBeyondLoopbackIsShown();
    void trafficTabInEveryState();
    void routesTabInEveryState();
    void upstreamsTab();
    void servicesPluginConfigsAndGlobalRulesTabs();
    void consumersSslsAndMoreTab();
    void exportAndImportDialogs();
    void syncDialog();
    void whyThisRoute();
    void trafficContextMenu();
    void findBarCountsMatches();
    void replaySendsTheExchangeAgain();
    void compareTwoExchanges();
    void columnsAdaptToTheWindow();
    void detailsBesideTheTableAndWrappedFrames();
    void runnerDeathIsNoticed();
    void runnerLogIsLiveAndRestarts();
    void everyActionAndMenu();
    void userGuide();
    void quitAsksAboutEdits();
    void screenshots_data();
    void screenshots();
    void cleanupTestCase();

private:
    // Opens `id` in the panel's editor, dropping what the editor held.
    void openDiscarding(RoutesPanel *panel, const QString &id);
    // Presses each visible, enabled button (and checkable group box) under `root`, as a user would,
    // in the order they sit; `skip` names buttons this state must not press yet.
    int pressEverything(QWidget *root, const QStringList &skip = {});
    QTabWidget *mainTabs() const { return qobject_cast<QTabWidget *>(m_fixture->window->centralWidget()); }
    void closeStrayWindows();
    void checkAlive();

    std::unique_ptr<Fixture> m_fixture;
    std::unique_ptr<DialogCloser> m_closer;
    int m_presses = 0;
};

void TestEveryControl::initTestCase()
{
    QSettings().remove("sideBySide"); // a run cut short must not change the layout of the next
    m_fixture = std::make_unique<Fixture>();
    QVERIFY(m_fixture->start());
    m_closer = std::make_unique<DialogCloser>();
}

void TestEveryControl::cleanupTestCase()
{
    qInfo("%d presses, %d dialogs and popups opened and cancelled", m_presses, m_closer->closed());
    m_fixture.reset();
}

void TestEveryControl::closeStrayWindows()
{
    for (QWidget *w : QApplication::topLevelWidgets())
        if (w != m_fixture->window.get() && w->isVisible() && !qobject_cast<QMenu *>(w))
            w->close();
}

void TestEveryControl::checkAlive()
{
    QVERIFY(m_fixture->window->isVisible());
    CaptureStore *capture = m_fixture->engine.engine().capture();
    const quint64 seen = capture->totalSeen();
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/plain/alive").status, 200); // the engine kept serving
    if (capture->isCapturing()) {
        // Its exchange is recorded just after the answer and shown up to a batch later: both are waited for
        // here, or it could reach the table after the next test's Clear (CI saw compareTwoExchanges count 3).
        QTRY_VERIFY(capture->totalSeen() > seen);
        capture->flush();
        QCoreApplication::sendPostedEvents(); // a batch the store's own timer sent first
    }
}

int TestEveryControl::pressEverything(QWidget *root, const QStringList &skip)
{
    QList<QPointer<QWidget>> controls;
    for (QWidget *w : root->findChildren<QWidget *>())
        if (qobject_cast<QAbstractButton *>(w) || (qobject_cast<QGroupBox *>(w) && static_cast<QGroupBox *>(w)->isCheckable()))
            controls << w;
    int pressed = 0;
    for (const QPointer<QWidget> &w : std::as_const(controls)) {
        if (!w || !w->isVisible() || !w->isEnabled() || !w->window()->isVisible())
            continue;
        if (auto *b = qobject_cast<QAbstractButton *>(w.data())) {
            if (skip.contains(b->text().remove(QLatin1Char('&'))) || b->text().isEmpty())
                continue; // unnamed buttons: scroll arrows, tab-bar and corner buttons of Qt's own widgets
            QTest::mouseClick(b, Qt::LeftButton, {}, b->rect().center());
        } else {
            UiDriver::clickGroupBoxCheck(static_cast<QGroupBox *>(w.data()));
        }
        ++pressed;
        QCoreApplication::processEvents();
        closeStrayWindows();
    }
    m_presses += pressed;
    return pressed;
}

void TestEveryControl::openDiscarding(RoutesPanel *panel, const QString &id)
{
    m_closer->pause();
    {
        UiDriver::DialogAnswer discard(QMessageBox::Discard);
        panel->select(id);
    }
    m_closer->resume();
    QCOMPARE(panel->editor()->id(), id);
}

// Issue 16: before any traffic the view says what runs where, sends a test request whose exchange opens
// on Changes, and gives the docs' curl commands with this engine's addresses and key.
// An Admin API bound beyond loopback is said in the status bar, always in view; on loopback nothing is.
void TestEveryControl::adminBeyondLoopbackIsShown()
{
    Fixture f;
    QVERIFY(f.start());
    QVERIFY(!f.window->findChild<QLabel *>("adminExposed"));
    MainWindowInfo info;
    info.proxyUrl = QStringLiteral("http://0.0.0.0:9080");
    info.adminUrl = QStringLiteral("http://0.0.0.0:9180/apisix/admin");
    MainWindow exposed(&f.engine.store(), f.engine.engine().capture(), nullptr, info);
    exposed.show();
    QVERIFY(QTest::qWaitForWindowExposed(&exposed));
    auto *label = exposed.findChild<QLabel *>("adminExposed");
    QVERIFY(label);
    QVERIFY(label->isVisible());
    QVERIFY(label->text().contains("beyond loopback"));
    QVERIFY(label->toolTip().contains("0.0.0.0:9180"));
}

void TestEveryControl::firstRunExplainsItself()
{
    mainTabs()->setCurrentIndex(0);
    TrafficPanel *traffic = m_fixture->window->traffic();
    WelcomeView *welcome = traffic->welcome();
    QTRY_VERIFY(welcome->isVisible());
    QVERIFY(!traffic->table()->isVisible());
    const QString proxy = QStringLiteral("http://127.0.0.1:%1").arg(m_fixture->engine.proxyPort());
    bool toldAddresses = false;
    for (QLabel *label : welcome->findChildren<QLabel *>())
        toldAddresses |= label->text().contains(proxy) && label->text().contains("Admin API");
    QVERIFY(toldAddresses);
    // The key is hidden until Show; Copy gives the command with it.
    for (QLabel *label : welcome->findChildren<QLabel *>())
        QVERIFY2(!label->text().contains("test-key"), qPrintable(label->text()));
    QTest::mouseClick(welcome->findChild<QPushButton *>("copyCommand1"), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("curl http://127.0.0.1:%1/apisix/admin/routes -H 'X-API-KEY: test-key'").arg(m_fixture->engine.adminPort()));
    QTest::mouseClick(welcome->findChild<QPushButton *>("showKey"), Qt::LeftButton);
    bool shown = false;
    for (QLabel *label : welcome->findChildren<QLabel *>())
        shown |= label->text() == QLatin1String("test-key");
    QVERIFY(shown);
    QTest::mouseClick(welcome->findChild<QPushButton *>("copyKey"), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("test-key"));
    QTest::mouseClick(welcome->findChild<QPushButton *>("showKey"), Qt::LeftButton); // hidden again
    // Send a test request: the route 1 of the fixture (/plain/*) takes it; its exchange opens on Changes.
    QTest::mouseClick(welcome->findChild<QPushButton *>("sendTestRequest"), Qt::LeftButton);
    QTRY_COMPARE(traffic->model()->rowCount(), 1);
    QTRY_VERIFY(traffic->table()->isVisible());
    QVERIFY(!welcome->isVisible());
    QVERIFY(traffic->detail()->exchange());
    QCOMPARE(traffic->detail()->exchange()->clientRequest.target, QByteArray("/plain/get"));
    QCOMPARE(traffic->detail()->currentIndex(), int(ExchangeView::Changes));
    traffic->clear();
    QVERIFY(!welcome->isVisible()); // the table stays for the rest of the session
    checkAlive();
    traffic->clear();
}

void TestEveryControl::trafficTabInEveryState()
{
    mainTabs()->setCurrentIndex(0);
    TrafficPanel *traffic = m_fixture->window->traffic();
    // Nothing selected, nothing captured yet.
    QVERIFY(pressEverything(traffic, {"Save body…"}) >= 0);
    const int kinds = m_fixture->sendEveryKind();
    QTRY_COMPARE(traffic->model()->rowCount(), kinds);
    ExchangeView *detail = traffic->detail();
    for (int row = 0; row < kinds; ++row) {
        traffic->table()->selectRow(row);
        QVERIFY(detail->exchange());
        for (int tab = 0; tab < detail->count(); ++tab) {
            detail->setCurrentIndex(tab);
            pressEverything(detail);
        }
        // Double-click on the row too (nothing should open, nothing should break).
        const QModelIndex index = traffic->table()->model()->index(row, TrafficModel::Path);
        QTest::mouseDClick(traffic->table()->viewport(), Qt::LeftButton, {}, traffic->table()->visualRect(index).center());
    }
    QVERIFY2(m_presses > 0 && m_closer->closed() > 0, qPrintable(QString::number(m_presses))); // Show all, Save body… (cancelled)
    checkAlive();
}

void TestEveryControl::routesTabInEveryState()
{
    mainTabs()->setCurrentIndex(1);
    RoutesPanel *routes = m_fixture->window->routes();
    QTRY_VERIFY(routes->table()->model()->rowCount() >= 3);
    // Nothing selected.
    routes->table()->clearSelection();
    pressEverything(routes, {"Add", "Delete", "Duplicate"});
    // A new route, then each plugin ticked with a row added, then every button of the editor.
    UiDriver::button(routes, "Add")->click();
    RouteEditor *editor = routes->editor();
    QVERIFY(editor->isNew());
    for (int phase = 0; phase < 3; ++phase) {
        ConfEditor *conf = editor->form()->confEditor(phase);
        if (!conf->isChecked())
            UiDriver::clickGroupBoxCheck(conf);
        QVERIFY(conf->isChecked());
        QTest::mouseClick(UiDriver::button(conf, "Add"), Qt::LeftButton);
        QCOMPARE(conf->table()->rowCount(), 1);
        // Double-click the value: its JSON editor opens (and the closer cancels it).
        const QRect cell = conf->table()->visualItemRect(conf->table()->item(0, 1));
        QTest::mouseDClick(conf->table()->viewport(), Qt::LeftButton, {}, cell.center());
        // _meta's fields, typed as a user types them (the disable box is pressed with every button below).
        QTest::keyClicks(conf->filterEdit(), R"([["arg_debug","==","1"]])");
        QTest::keyClicks(conf->errorResponseEdit(), "denied");
        QVERIFY(editor->jsonEditor()->text().contains("arg_debug"));
    }
    QTest::mouseClick(UiDriver::button(editor, "Add node"), Qt::LeftButton);
    QVERIFY(editor->isModified());
    pressEverything(editor);
    // An existing route with each ext-plugin on it.
    for (const char *id : {"1", "2", "3"}) {
        openDiscarding(routes, QString::fromLatin1(id));
        pressEverything(editor);
    }
    // The list's own buttons last: they change what is selected.
    openDiscarding(routes, "3");
    pressEverything(routes);
    checkAlive();
}

void TestEveryControl::upstreamsTab()
{
    mainTabs()->setCurrentIndex(2);
    RoutesPanel *upstreams = m_fixture->window->upstreams();
    QTRY_VERIFY(upstreams->table()->model()->rowCount() >= 1);
    upstreams->table()->clearSelection();
    pressEverything(upstreams, {"Delete", "Duplicate"});
    openDiscarding(upstreams, "u1");
    pressEverything(upstreams->editor());
    openDiscarding(upstreams, "u1");
    pressEverything(upstreams);
    // The form's buttons (Add node, Remove node) left edits; Revert drops them as a user would.
    if (upstreams->editor()->isModified())
        QTest::mouseClick(UiDriver::button(upstreams->editor(), "Revert"), Qt::LeftButton);
    QVERIFY(!upstreams->editor()->isModified());
    checkAlive();
}

void TestEveryControl::servicesPluginConfigsAndGlobalRulesTabs()
{
    const QList<RoutesPanel *> &panels = m_fixture->window->objectPanels();
    QCOMPARE(panels.size(), 12);
    const QStringList ids = {"s1", "pc1", "g1"};
    for (int i = 0; i < 3; ++i) {
        mainTabs()->setCurrentIndex(3 + i);
        RoutesPanel *panel = panels[2 + i];
        QCOMPARE(mainTabs()->currentWidget(), panel);
        QTRY_VERIFY(panel->table()->model()->rowCount() >= 1);
        panel->table()->clearSelection();
        pressEverything(panel, {"Delete", "Duplicate"});
        openDiscarding(panel, ids[i]);
        pressEverything(panel->editor());
        openDiscarding(panel, ids[i]);
        pressEverything(panel); // Delete is refused for what a route uses (s1, pc1): the store says why
        checkAlive();
    }
    // What a route still uses was not deleted; the global rule was, and Undo brought it back.
    const auto snap = m_fixture->engine.store().snapshot();
    QVERIFY(snap->services.contains("s1"));
    QVERIFY(snap->pluginConfigs.contains("pc1"));
}

// Issue 13: consumers, consumer groups, SSLs, protos, secrets, plugin metadata and stream routes, each a tab inside one
// main tab: every button pressed, Add's starter applied where it validates, and delete refused where
// APISIX refuses it (a group a consumer is in).
void TestEveryControl::consumersSslsAndMoreTab()
{
    ConfigStore &store = m_fixture->engine.store();
    QCOMPARE(store.put(ResourceKind::ConsumerGroup, "cg1", {{"plugins", QJsonObject()}}).status, 201);
    QCOMPARE(store.put(ResourceKind::Consumer, "alice", {{"username", "alice"}, {"group_id", "cg1"}}).status, 201);
    mainTabs()->setCurrentIndex(6);
    auto *inner = qobject_cast<QTabWidget *>(mainTabs()->currentWidget());
    QVERIFY(inner);
    QCOMPARE(inner->objectName(), QStringLiteral("storedKinds"));
    QCOMPARE(inner->count(), 7); // ... and stream routes
    const QList<RoutesPanel *> &panels = m_fixture->window->objectPanels();
    for (int i = 0; i < inner->count(); ++i) {
        inner->setCurrentIndex(i);
        RoutesPanel *panel = panels[5 + i];
        QCOMPARE(inner->currentWidget(), panel);
        panel->table()->clearSelection();
        // Add, then Apply: the starter of a consumer, a proto, a secret and plugin metadata validates;
        // an SSL's asks for the PEM texts, and the editor says so.
        QTest::mouseClick(UiDriver::button(panel, "Add"), Qt::LeftButton);
        QVERIFY(panel->editor()->isModified());
        const ResourceKind kind = panel->editor()->kind();
        const QString id = panel->editor()->id();
        QTest::mouseClick(UiDriver::button(panel->editor(), "Apply"), Qt::LeftButton);
        const bool applies = kind != ResourceKind::Ssl;
        QTRY_COMPARE(store.snapshot()->of(kind).contains(id), applies);
        if (!applies) {
            QVERIFY(panel->editor()->isModified());
            QTest::mouseClick(UiDriver::button(panel->editor(), "Revert"), Qt::LeftButton);
        } else {
            QTRY_VERIFY(panel->table()->model()->rowCount() >= 1);
            openDiscarding(panel, id);
        }
        pressEverything(panel->editor());
        pressEverything(panel, {"Add"});
        if (panel->editor()->isModified())
            QTest::mouseClick(UiDriver::button(panel->editor(), "Revert"), Qt::LeftButton);
        checkAlive();
        if (applies) // after Delete and Undo, the list still opens what it shows
            openDiscarding(panel, id);
        if (panel->editor()->isModified()) { // a Duplicate not applied: discarded, as a user leaving it would
            m_closer->pause();
            {
                UiDriver::DialogAnswer discard(QMessageBox::Discard);
                QVERIFY(panel->editor()->confirmLeave(panel));
            }
            m_closer->resume();
        }
        QVERIFY(!panel->editor()->isModified());
    }
    // Add credential: one for the selected consumer, applied, listed under it.
    mainTabs()->setCurrentIndex(6);
    inner->setCurrentIndex(0);
    RoutesPanel *consumers = panels[5];
    openDiscarding(consumers, "alice");
    QVERIFY(UiDriver::button(consumers, "Add credential")->isVisible());
    QTest::mouseClick(UiDriver::button(consumers, "Add credential"), Qt::LeftButton);
    QCOMPARE(consumers->editor()->id(), QStringLiteral("alice/credentials/1"));
    QTest::mouseClick(UiDriver::button(consumers->editor(), "Apply"), Qt::LeftButton);
    QTRY_VERIFY(store.snapshot()->consumers.contains("alice/credentials/1"));
    QCOMPARE(store.snapshot()->consumers.value("alice/credentials/1").value.value("plugins").toObject().value("key-auth").toObject().value("key").toString(),
             QStringLiteral("alice-key-1"));
    const auto snap = store.snapshot();
    QVERIFY(snap->consumerGroups.contains("cg1")); // alice is in it: its Delete was refused
    QVERIFY(snap->consumers.contains("jack"));
    QCOMPARE(snap->consumers.value("jack").value.value("plugins").toObject().value("key-auth").toObject().value("key").toString(), QStringLiteral("jack-key"));
    QVERIFY(snap->secrets.contains("vault/1"));
    QVERIFY(snap->pluginMetadata.contains("http-logger"));
    QCOMPARE(snap->streamRoutes.size(), 1); // its starter (a port and an upstream) validates
}

// File > Export for APISIX and File > Import APISIX configuration, as a user goes through them.
void TestEveryControl::exportAndImportDialogs()
{
    MainWindow *window = m_fixture->window.get();
    const auto trigger = [window](const QString &text) {
        for (QAction *a : window->findChildren<QAction *>())
            if (a->text() == text)
                a->trigger();
    };
    trigger(QStringLiteral("Export for APISIX…"));
    auto *exporter = window->findChild<ExportDialog *>();
    QVERIFY(exporter);
    QTRY_VERIFY(exporter->isVisible());
    QVERIFY(exporter->text().contains("routes:") && exporter->text().endsWith("#END\n"));
    QVERIFY(exporter->text().contains("/shop/*"));
    QVERIFY2(exporter->configYaml().contains("cmd: [\"routescope-demo-runner\"]"), qPrintable(exporter->configYaml()));
    auto *format = exporter->findChild<QComboBox *>("format");
    format->setFocus();
    QTest::keyClick(format, Qt::Key_Down);
    QVERIFY(exporter->text().startsWith("{"));
    QTest::keyClick(format, Qt::Key_Down);
    QVERIFY(exporter->text().startsWith("#!/bin/sh"));
    for (QPushButton *b : exporter->findChildren<QPushButton *>())
        if (b->text() == QLatin1String("&Copy"))
            QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), exporter->text());
    // Only a part: route 1 and the upstream it uses.
    QTest::keyClicks(exporter->findChild<QLineEdit *>("selection"), "route/1");
    QVERIFY(exporter->text().contains("/apisix/admin/routes/1") && exporter->text().contains("/apisix/admin/upstreams/u1"));
    QVERIFY(!exporter->text().contains("/apisix/admin/routes/2"));
    exporter->findChild<QLineEdit *>("selection")->clear();
    pressEverything(exporter, {"Close"}); // Save as… opens a file dialog (cancelled); Include toggles
    exporter->close();

    QTemporaryDir dir;
    const QString file = dir.filePath("apisix.yaml");
    writeFile(file, "routes:\n  - id: imp1\n    uri: /imported/*\n    upstream_id: u1\n"
                    "  - id: imp2\n    uri: /nowhere\n    upstream_id: gone\n#END\n");
    trigger(QStringLiteral("Import APISIX configuration…"));
    auto *importer = window->findChild<ImportDialog *>();
    QVERIFY(importer);
    QTRY_VERIFY(importer->isVisible());
    auto *path = importer->findChild<QLineEdit *>("path");
    QTest::keyClicks(path, file);
    QTest::keyClick(path, Qt::Key_Return);
    QVERIFY2(importer->reportText().contains("imported route imp1 (line 2, column 5)"), qPrintable(importer->reportText()));
    QVERIFY(importer->reportText().contains("refused route imp2 (line 5, column 5)"));
    QPushButton *import = nullptr;
    for (QPushButton *b : importer->findChildren<QPushButton *>())
        if (b->text() == QLatin1String("&Import"))
            import = b;
    QVERIFY2(import && import->isEnabled(), import ? "disabled" : "no Import button");
    QTest::mouseClick(import, Qt::LeftButton);
    QVERIFY(m_fixture->engine.store().snapshot()->routes.contains("imp1"));
    QVERIFY(!m_fixture->engine.store().snapshot()->routes.contains("imp2"));
    QVERIFY(m_fixture->engine.store().snapshot()->routes.contains("1")); // merged, nothing else lost
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/imported/x").status, 200);
    // Undo import: as it was before.
    for (QPushButton *b : importer->findChildren<QPushButton *>())
        if (b->text() == QLatin1String("&Undo import"))
            QTest::mouseClick(b, Qt::LeftButton);
    QVERIFY(!m_fixture->engine.store().snapshot()->routes.contains("imp1"));
    QVERIFY(m_fixture->engine.store().snapshot()->routes.contains("1"));
    QVERIFY(import->isEnabled()); // and it can be imported again
    QTest::mouseClick(import, Qt::LeftButton);
    QVERIFY(m_fixture->engine.store().snapshot()->routes.contains("imp1"));
    // Replace asks first; cancelled (the closer answers Cancel), nothing is replaced.
    QTest::mouseClick(importer->findChild<QCheckBox *>("replace"), Qt::LeftButton);
    QVERIFY(import->isEnabled());
    QTest::mouseClick(import, Qt::LeftButton);
    QVERIFY(m_fixture->engine.store().snapshot()->routes.contains("1"));
    // A malformed file: the report says where, and Import stays off.
    writeFile(file, "routes:\n  - id: 1\n   uri: x\n");
    QTest::mouseClick(importer->findChild<QCheckBox *>("replace"), Qt::LeftButton);
    QVERIFY2(importer->reportText().startsWith("nothing imported: line 3, column 4"), qPrintable(importer->reportText()));
    QVERIFY(!import->isEnabled());
    pressEverything(importer, {"Close"}); // Choose file… opens a file dialog (cancelled); Read reads again
    importer->close();
    checkAlive();
}

// File > Sync to APISIX against a second engine's Admin API: Plan changes nothing, Sync applies, Plan again
// says there is nothing to do; a wrong key is said.
void TestEveryControl::syncDialog()
{
    MainWindow *window = m_fixture->window.get();
    for (QAction *a : window->findChildren<QAction *>())
        if (a->text() == QStringLiteral("Sync to APISIX…"))
            a->trigger();
    auto *dialog = window->findChild<SyncDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    EngineOptions production = TestEngine::options();
    production.streamRoutes = true; // the workspace has a stream route (consumersSslsAndMoreTab)
    TestEngine target(production);
    auto *url = dialog->findChild<QLineEdit *>("adminUrl");
    url->selectAll();
    QTest::keyClicks(url, QStringLiteral("http://127.0.0.1:%1").arg(target.adminPort()));
    QTest::keyClicks(dialog->findChild<QLineEdit *>("key"), "wrong");
    const auto press = [dialog](const char *text) {
        for (QPushButton *b : dialog->findChildren<QPushButton *>())
            if (b->text() == QLatin1String(text))
                QTest::mouseClick(b, Qt::LeftButton);
    };
    press("&Plan");
    QVERIFY2(dialog->output().contains("401"), qPrintable(dialog->output()));
    auto *key = dialog->findChild<QLineEdit *>("key");
    key->clear();
    QTest::keyClicks(key, "test-key");
    QTest::keyClick(key, Qt::Key_Return); // Return plans
    QVERIFY2(dialog->output().contains("create upstream u1"), qPrintable(dialog->output()));
    QVERIFY(target.store().snapshot()->routes.isEmpty()); // a plan changes nothing
    press("&Sync");
    QVERIFY2(dialog->output().contains("Synced:"), qPrintable(dialog->output()));
    QVERIFY2(dialog->output().contains("create route 1: 201"), qPrintable(dialog->output())); // each change's answer
    QVERIFY2(dialog->output().contains("create stream route"), qPrintable(dialog->output()));
    QCOMPARE(target.store().snapshot()->routes.size(), m_fixture->engine.store().snapshot()->routes.size());
    press("&Plan");
    QVERIFY2(dialog->output().startsWith("nothing to do"), qPrintable(dialog->output()));
    // Prune with deletes asks first (the closer cancels): nothing is deleted.
    QVERIFY(target.put("/apisix/admin/routes/extra", "{\"uri\":\"/extra\",\"upstream_id\":\"u1\"}") == 201);
    QTest::mouseClick(dialog->findChild<QCheckBox *>("prune"), Qt::LeftButton);
    press("&Sync");
    QVERIFY2(dialog->output().contains("Not synced") && dialog->output().contains("delete route extra"), qPrintable(dialog->output()));
    QVERIFY(target.store().snapshot()->routes.contains("extra"));
    pressEverything(dialog, {"Close", "Sync"});
    dialog->close();
    checkAlive();
}

// Traffic > Why this route: the selected exchange's request against the routes, then requests typed in.
void TestEveryControl::whyThisRoute()
{
    MainWindow *window = m_fixture->window.get();
    mainTabs()->setCurrentIndex(0);
    TrafficPanel *traffic = window->traffic();
    traffic->clear();
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/plain/why").status, 200);
    QTRY_COMPARE(traffic->model()->rowCount(), 1);
    traffic->table()->selectRow(0);
    for (QAction *a : window->findChildren<QAction *>())
        if (a->text() == QStringLiteral("Why this route…"))
            a->trigger();
    auto *dialog = window->findChild<RouteExplainer *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY2(!dialog->lines().isEmpty() && dialog->lines().first() == QStringLiteral("matched 1: uri /plain/* covers /plain/why"),
             qPrintable(dialog->lines().join('\n')));
    QCOMPARE(dialog->findChild<QLineEdit *>("url")->text(), QStringLiteral("/plain/why"));
    // A request typed in: no route takes it.
    auto *url = dialog->findChild<QLineEdit *>("url");
    url->selectAll();
    QTest::keyClicks(url, "/nowhere");
    QTest::keyClick(url, Qt::Key_Return); // Return explains
    const QStringList none = dialog->lines();
    QVERIFY2(std::none_of(none.cbegin(), none.cend(), [](const QString &l) { return l.startsWith("matched"); }), qPrintable(none.join('\n')));
    bool said = false;
    for (QLabel *label : dialog->findChildren<QLabel *>())
        said |= label->text().startsWith("No route takes GET /nowhere");
    QVERIFY(said);
    // The path as nginx normalises it: /shop/../mod/x is routed on /mod/x.
    url->selectAll();
    QTest::keyClicks(url, "/shop/../mod/x");
    QTest::keyClick(url, Qt::Key_Return);
    QVERIFY2(dialog->lines().first() == QStringLiteral("matched 2: uri /mod/* covers /mod/x"), qPrintable(dialog->lines().join('\n')));
    pressEverything(dialog, {"Close"});
    dialog->close();
    traffic->clear();
    checkAlive();
}

// The runner's state in the status bar, in colour, and a notice when it dies; it comes back by itself.
void TestEveryControl::runnerDeathIsNoticed()
{
    MainWindow *window = m_fixture->window.get();
    RunnerProcess *runner = m_fixture->engine.engine().runnerProcess();
    QVERIFY(runner);
    QLabel *state = nullptr;
    for (QLabel *label : window->statusBar()->findChildren<QLabel *>())
        if (label->text().contains("Runner: "))
            state = label;
    QVERIFY(state);
    QTRY_VERIFY(state->text().contains("Runner: ready"));
    QVERIFY(state->text().contains("#2fa84f"));
    qint64 pid = 0;
    QMetaObject::invokeMethod(runner, [runner, &pid] { pid = runner->pid(); }, Qt::BlockingQueuedConnection);
    QVERIFY(pid > 0);
    ::kill(pid_t(pid), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(state->text().contains("#e0433a") || state->text().contains("respawning"), 5000);
    QTRY_VERIFY2_WITH_TIMEOUT(window->statusBar()->currentMessage().contains("The Plugin Runner exited"), qPrintable(state->text()), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(state->text().contains("Runner: ready"), 10000); // respawned
    checkAlive();
}

// Traffic → Runner log (Ctrl+Shift+L): the log grows while it is open; Restart gives a new runner that serves.
void TestEveryControl::runnerLogIsLiveAndRestarts()
{
    MainWindow *window = m_fixture->window.get();
    RunnerProcess *runner = m_fixture->engine.engine().runnerProcess();
    const auto pidNow = [runner] {
        qint64 pid = 0;
        QMetaObject::invokeMethod(runner, [runner, &pid] { pid = runner->pid(); }, Qt::BlockingQueuedConnection);
        return pid;
    };
    const auto stateNow = [runner] {
        RunnerProcess::State s = RunnerProcess::State::Stopped;
        QMetaObject::invokeMethod(runner, [runner, &s] { s = runner->state(); }, Qt::BlockingQueuedConnection);
        return s;
    };
    QTRY_COMPARE(stateNow(), RunnerProcess::State::Ready);
    const qint64 before = pidNow();
    closeStrayWindows();
    QApplication::setActiveWindow(window);
    QTRY_VERIFY(window->isActiveWindow());
    QTest::keyClick(window, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
    RunnerLog *log = nullptr;
    QTRY_VERIFY((log = window->findChild<RunnerLog *>()));
    QTRY_VERIFY(log->isVisible());
    QVERIFY2(log->text()->toPlainText().contains("[state] ready when this window opened (pid "), qPrintable(log->text()->toPlainText()));
    QVERIFY(log->findChild<QLabel *>("state")->text().contains("Runner: ready"));
    const int lines = log->text()->blockCount();
    QVERIFY(log->restartButton()->isEnabled());
    QTest::mouseClick(log->restartButton(), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(log->text()->toPlainText().contains("[state] stopped"), qPrintable(log->text()->toPlainText()), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(pidNow() > 0 && pidNow() != before && stateNow() == RunnerProcess::State::Ready, 10000);
    QTRY_VERIFY(log->findChild<QLabel *>("state")->text().contains("Runner: ready"));
    QVERIFY(log->text()->blockCount() >= lines + 4); // asked, stopped, starting, listening: added while open
    QVERIFY(log->text()->toPlainText().contains(QStringLiteral("(pid %1)").arg(pidNow())));
    // The new runner serves: a post-resp route is modified again.
    const TestResponse r = httpRequest(m_fixture->engine.proxyPort(), "GET", "/mod/after-restart");
    QCOMPARE(r.status, 202);
    // The same window is raised, not a second one.
    QVERIFY(window->showRunnerLog() == log);
    QCOMPARE(window->findChildren<RunnerLog *>().size(), 1);
    QTest::mouseClick(log->findChild<QPushButton *>("copy"), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), log->text()->toPlainText());
    log->close();
    QTRY_VERIFY(!window->findChild<RunnerLog *>());
    checkAlive();
}

// Right-click on an exchange: copy it, filter by its route, host or status, ask why this route.
void TestEveryControl::trafficContextMenu()
{
    MainWindow *window = m_fixture->window.get();
    mainTabs()->setCurrentIndex(0);
    TrafficPanel *traffic = window->traffic();
    traffic->clear();
    traffic->filterEdit()->clear();
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/plain/ctx?a=1").status, 200);
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/nowhere").status, 404);
    QTRY_COMPARE(traffic->model()->rowCount(), 2);
    // The menu opens where the user right-clicks (a context-menu event on the row).
    m_closer->pause();
    const QRect cell = traffic->table()->visualRect(traffic->table()->model()->index(0, 4));
    QContextMenuEvent click(QContextMenuEvent::Mouse, cell.center(), traffic->table()->viewport()->mapToGlobal(cell.center()));
    QApplication::sendEvent(traffic->table()->viewport(), &click);
    QTRY_VERIFY(qobject_cast<QMenu *>(QApplication::activePopupWidget()));
    QApplication::activePopupWidget()->close();
    m_closer->resume();
    const auto trigger = [traffic](int row, const QString &text) {
        std::unique_ptr<QMenu> menu(traffic->contextMenu(row));
        for (QAction *a : menu->actions())
            if (a->text() == text) {
                a->trigger();
                return true;
            }
        return false;
    };
    QVERIFY(trigger(0, "Copy URL"));
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("http://127.0.0.1:%1/plain/ctx?a=1").arg(m_fixture->engine.proxyPort()));
    QVERIFY(trigger(0, "Copy as curl"));
    QVERIFY(QApplication::clipboard()->text().startsWith("curl"));
    QVERIFY(trigger(1, "Only status 404"));
    QCOMPARE(traffic->filterEdit()->text(), QStringLiteral("status:404"));
    QTRY_COMPARE(traffic->table()->model()->rowCount(), 1);
    QVERIFY(trigger(0, "Why this route…"));
    QTRY_VERIFY(window->findChild<RouteExplainer *>());
    closeStrayWindows();
    traffic->filterEdit()->clear();
    QVERIFY(trigger(0, "Only route 1"));
    QCOMPARE(traffic->filterEdit()->text(), QStringLiteral("route:1"));
    QTRY_COMPARE(traffic->table()->model()->rowCount(), 1);
    QVERIFY(trigger(0, "Only host 127.0.0.1"));
    QCOMPARE(traffic->filterEdit()->text(), QStringLiteral("host:127.0.0.1"));
    traffic->filterEdit()->clear();
    traffic->clear();
    checkAlive();
    traffic->clear();
}

// Ctrl+R on a selected exchange sends its request again through the proxy: a new exchange with the
// same request, and the status bar says so; the context menu's Replay does the same.
void TestEveryControl::replaySendsTheExchangeAgain()
{
    MainWindow *window = m_fixture->window.get();
    mainTabs()->setCurrentIndex(0);
    TrafficPanel *traffic = window->traffic();
    traffic->clear();
    traffic->filterEdit()->clear();
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "POST", "/plain/replay?n=1", {{"X-Replay", "me"}}, "body").status, 200);
    QTRY_COMPARE(traffic->model()->rowCount(), 1);
    closeStrayWindows(); // the keys go to the main window, as when the user is in it
    QApplication::setActiveWindow(window);
    QTRY_VERIFY(window->isActiveWindow());
    traffic->table()->setFocus();
    traffic->table()->selectRow(0);
    QTRY_VERIFY(traffic->detail()->exchange());
    QTest::keyClick(window, Qt::Key_R, Qt::ControlModifier);
    QTRY_COMPARE(traffic->model()->rowCount(), 2);
    QTRY_VERIFY2(window->statusBar()->currentMessage().contains("replayed"), qPrintable(window->statusBar()->currentMessage()));
    for (int row = 0; row < 2; ++row) {
        const ExchangePtr e = traffic->model()->exchangeAt(row);
        QCOMPARE(e->clientRequest.method, QByteArray("POST"));
        QCOMPARE(e->clientRequest.target, QByteArray("/plain/replay?n=1"));
        QCOMPARE(e->clientRequest.headers.value("x-replay"), QByteArray("me"));
        QCOMPARE(e->clientRequest.body, QByteArray("body"));
        QCOMPARE(e->clientResponse.status, 200);
    }
    std::unique_ptr<QMenu> menu(traffic->contextMenu(0));
    bool found = false;
    for (QAction *a : menu->actions())
        if (a->text() == QLatin1String("Replay")) {
            a->trigger();
            found = true;
        }
    QVERIFY(found);
    QTRY_COMPARE(traffic->model()->rowCount(), 3);
    // Edit and replay (Ctrl+Shift+R): the selected request in the editor, changed, sent twice.
    traffic->table()->selectRow(0);
    QTest::keyClick(window, Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
    ReplayEditor *editor = nullptr;
    QTRY_VERIFY((editor = window->findChild<ReplayEditor *>()));
    QTRY_VERIFY(editor->isVisible());
    auto *target = editor->findChild<QLineEdit *>("target");
    auto *headers = editor->findChild<QPlainTextEdit *>("headers");
    auto *body = editor->findChild<QPlainTextEdit *>("body");
    auto *method = editor->findChild<QComboBox *>("method");
    QCOMPARE(target->text(), QStringLiteral("/plain/replay?n=1"));
    QVERIFY(headers->toPlainText().contains("X-Replay: me"));
    QCOMPARE(body->toPlainText(), QStringLiteral("body"));
    QCOMPARE(method->currentText(), QStringLiteral("POST"));
    target->selectAll();
    QTest::keyClicks(target, "/plain/edited");
    headers->moveCursor(QTextCursor::End);
    QTest::keyClick(headers, Qt::Key_Return);
    QTest::keyClicks(headers, "X-Edited: 1");
    body->selectAll();
    QTest::keyClicks(body, "new body");
    QTest::mouseClick(editor->findChild<QPushButton *>("send"), Qt::LeftButton);
    QTRY_COMPARE(traffic->model()->rowCount(), 4);
    QTRY_VERIFY2(editor->statusText().contains("newest exchange"), qPrintable(editor->statusText()));
    const ExchangePtr edited = traffic->model()->exchangeAt(3);
    QCOMPARE(edited->clientRequest.target, QByteArray("/plain/edited"));
    QCOMPARE(edited->clientRequest.headers.value("x-edited"), QByteArray("1"));
    QCOMPARE(edited->clientRequest.headers.value("x-replay"), QByteArray("me"));
    QCOMPARE(edited->clientRequest.body, QByteArray("new body"));
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier); // sent again, from the keyboard
    QTRY_COMPARE(traffic->model()->rowCount(), 5);
    // A header line that is not "Name: value" is said, and nothing is sent.
    QTest::keyClick(headers, Qt::Key_Return);
    QTest::keyClicks(headers, "no colon here");
    QTest::mouseClick(editor->findChild<QPushButton *>("send"), Qt::LeftButton);
    QVERIFY2(editor->statusText().contains("is not \"Name: value\""), qPrintable(editor->statusText()));
    QTest::qWait(200);
    QCOMPARE(traffic->model()->rowCount(), 5);
    editor->close();
    traffic->clear();
    checkAlive();
}

// Compare (Ctrl+D, and on the context menu): two exchanges picked with a click and a Ctrl+click, side by side.
void TestEveryControl::compareTwoExchanges()
{
    MainWindow *window = m_fixture->window.get();
    mainTabs()->setCurrentIndex(0);
    TrafficPanel *traffic = window->traffic();
    traffic->clear();
    traffic->filterEdit()->clear();
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/plain/a").status, 200);
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/plain/b", {{"X-Only", "b"}}).status, 200);
    QTRY_COMPARE(traffic->model()->rowCount(), 2);
    closeStrayWindows();
    QApplication::setActiveWindow(window);
    QTRY_VERIFY(window->isActiveWindow());
    QTableView *table = traffic->table();
    const auto rowCentre = [table](int row) { return table->visualRect(table->model()->index(row, 1)).center(); };
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rowCentre(0));
    QTest::keyClick(window, Qt::Key_D, Qt::ControlModifier); // one selected: said, nothing opened
    QTRY_VERIFY2(window->statusBar()->currentMessage().contains("two exchanges selected (1 now)"), qPrintable(window->statusBar()->currentMessage()));
    QVERIFY(!window->findChild<CompareDialog *>());
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, rowCentre(1));
    QCOMPARE(traffic->selected().size(), 2);
    QTest::keyClick(window, Qt::Key_D, Qt::ControlModifier);
    CompareDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window->findChild<CompareDialog *>()));
    QTRY_VERIFY(dialog->isVisible());
    const quint64 first = traffic->selected()[0]->id, second = traffic->selected()[1]->id;
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Compare exchanges %1 and %2").arg(first).arg(second));
    const QString text = dialog->view()->plainText();
    QVERIFY2(text.contains("Client request: method, target and headers: 2 line(s) differ"), qPrintable(text));
    QVERIFY2(text.contains("x-only: b"), qPrintable(text));
    QVERIFY2(dialog->view()->after()->toPlainText().contains("GET /plain/b"), qPrintable(dialog->view()->after()->toPlainText()));
    QTest::mouseClick(dialog->findChild<QPushButton *>("swap"), Qt::LeftButton);
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Compare exchanges %1 and %2").arg(second).arg(first));
    QVERIFY(dialog->view()->before()->toPlainText().contains("GET /plain/b"));
    dialog->close();
    QTRY_VERIFY(!window->findChild<CompareDialog *>()); // deleted on close
    // The context menu's entry, enabled only with two selected.
    std::unique_ptr<QMenu> menu(traffic->contextMenu(0));
    QAction *compare = nullptr;
    for (QAction *a : menu->actions())
        if (a->text() == QLatin1String("Compare the two selected"))
            compare = a;
    QVERIFY(compare && compare->isEnabled());
    compare->trigger();
    QTRY_VERIFY((dialog = window->findChild<CompareDialog *>()));
    dialog->close();
    table->selectRow(0);
    menu.reset(traffic->contextMenu(0));
    for (QAction *a : menu->actions())
        if (a->text() == QLatin1String("Compare the two selected"))
            QVERIFY(!a->isEnabled());
    traffic->clear();
    checkAlive();
}

// Path takes the width the window gains; a seven-digit id is shown whole; long cells lose their middle.
void TestEveryControl::columnsAdaptToTheWindow()
{
    MainWindow *window = m_fixture->window.get();
    mainTabs()->setCurrentIndex(0);
    QTableView *table = window->traffic()->table();
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/plain/columns").status, 200); // the table, not the welcome page
    QTRY_VERIFY(window->traffic()->model()->rowCount() > 0);
    const QSize before = window->size();
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    window->resize(1200, 800);
    QTRY_COMPARE(table->window()->width(), 1200);
    const int narrow = table->columnWidth(TrafficModel::Path);
    const int route = table->columnWidth(TrafficModel::Route);
    window->resize(1600, 800);
    QTRY_VERIFY2(table->columnWidth(TrafficModel::Path) >= narrow + 350, qPrintable(QString::number(table->columnWidth(TrafficModel::Path))));
    QCOMPARE(table->columnWidth(TrafficModel::Route), route);
    QVERIFY(table->fontMetrics().horizontalAdvance("1000003") < table->columnWidth(TrafficModel::Id) - 6);
    QCOMPARE(table->textElideMode(), Qt::ElideMiddle);
    window->resize(before);
    checkAlive();
}

// View → Details beside the table (Ctrl+Shift+B) puts the tabs to the right of the table, and is remembered;
// a long decoded runner frame reads whole in its row, wrapped, where it was cut with a tooltip.
void TestEveryControl::detailsBesideTheTableAndWrappedFrames()
{
    MainWindow *window = m_fixture->window.get();
    mainTabs()->setCurrentIndex(0);
    TrafficPanel *traffic = window->traffic();
    traffic->clear();
    const QByteArray longConf = QByteArray("a conf value long enough to need more than one line ").repeated(6).trimmed();
    QCOMPARE(m_fixture->engine.put("/apisix/admin/routes/wrap", "{\"uri\":\"/wrap/*\",\"upstream_id\":\"u1\",\"plugins\":"
                                   "{\"ext-plugin-pre-req\":{\"conf\":[{\"name\":\"noop\",\"value\":\"" + longConf + "\"}]}}}"), 201);
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/wrap/x").status, 200);
    QTRY_COMPARE(traffic->model()->rowCount(), 1);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QApplication::setActiveWindow(window);
    QVERIFY(!traffic->isSideBySide());
    auto placeOf = [traffic](QWidget *w) { return w->mapTo(traffic, QPoint(0, 0)); };
    QVERIFY(placeOf(traffic->detail()).y() > placeOf(traffic->table()).y() + traffic->table()->height() - 5);
    QTest::keyClick(window, Qt::Key_B, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(traffic->isSideBySide());
    QTRY_VERIFY(placeOf(traffic->detail()).x() > placeOf(traffic->table()).x() + traffic->table()->width() - 5);
    QCOMPARE(placeOf(traffic->detail()).y(), placeOf(traffic->table()->parentWidget()).y());
    QVERIFY2(traffic->table()->width() >= 300, qPrintable(QString::number(traffic->table()->width()))); // both readable
    QVERIFY(QSettings().value("sideBySide").toBool());
    // Narrow beside the details: Time, Host, Size and Runner step aside; Route and Status are in sight.
    QTableView *table = traffic->table();
    for (int column : {TrafficModel::Time, TrafficModel::Host, TrafficModel::Size, TrafficModel::Runner})
        QVERIFY(table->isColumnHidden(column));
    QTRY_VERIFY2(table->columnViewportPosition(TrafficModel::Status) + table->columnWidth(TrafficModel::Status) <= table->viewport()->width(),
                 qPrintable(QStringLiteral("%1 + %2 > %3").arg(table->columnViewportPosition(TrafficModel::Status)).arg(table->columnWidth(TrafficModel::Status)).arg(table->viewport()->width())));
    // The header's context menu shows a column again.
    QHeaderView *header = table->horizontalHeader();
    const QPoint onHeader(header->sectionViewportPosition(TrafficModel::Path) + 5, header->height() / 2);
    QContextMenuEvent headerClick(QContextMenuEvent::Mouse, onHeader, header->mapToGlobal(onHeader));
    QApplication::sendEvent(header->viewport(), &headerClick);
    QMenu *columns = nullptr;
    QTRY_VERIFY((columns = qobject_cast<QMenu *>(QApplication::activePopupWidget())));
    QCOMPARE(columns->objectName(), QStringLiteral("columns"));
    QCOMPARE(columns->actions().size(), int(TrafficModel::ColumnCount) - 2); // all but # and Path
    for (QAction *a : columns->actions())
        if (a->text() == QLatin1String("Host")) {
            QVERIFY(!a->isChecked());
            a->trigger();
        }
    columns->close();
    QVERIFY(!table->isColumnHidden(TrafficModel::Host));

    traffic->table()->selectRow(0);
    traffic->detail()->setCurrentIndex(ExchangeView::Runner);
    RunnerView *runner = traffic->detail()->runnerView();
    QTreeWidget *frames = runner->frames();
    QTRY_VERIFY(frames->topLevelItemCount() >= 4);
    QCOMPARE(frames->currentItem(), frames->topLevelItem(0)); // shown at once, no click needed
    QTreeWidgetItem *longest = nullptr;
    for (int i = 0; i < frames->topLevelItemCount(); ++i)
        if (!longest || frames->topLevelItem(i)->text(5).size() > longest->text(5).size())
            longest = frames->topLevelItem(i);
    QVERIFY2(frames->fontMetrics().horizontalAdvance(longest->text(5)) > frames->header()->sectionSize(5) + 20,
             qPrintable(longest->text(5))); // too long for its column here: elided in the row
    QTest::mouseClick(frames->viewport(), Qt::LeftButton, {}, frames->visualItemRect(longest).center());
    QCOMPARE(frames->currentItem(), longest);
    QPlainTextEdit *text = runner->frameText();
    QVERIFY2(text->toPlainText().endsWith(longest->text(5)), qPrintable(text->toPlainText())); // whole, not cut
    QVERIFY(text->toPlainText().startsWith(longest->text(2).contains("←") ? "From the runner" : "To the runner"));
    QVERIFY(text->fontMetrics().horizontalAdvance(longest->text(5)) > text->viewport()->width());
    QTRY_VERIFY2(text->document()->lineCount() > text->document()->blockCount(), "wrapped: more lines on screen than in the text");

    QTest::keyClick(window, Qt::Key_B, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(!traffic->isSideBySide());
    for (int column = 0; column < TrafficModel::ColumnCount; ++column)
        QVERIFY2(!table->isColumnHidden(column), qPrintable(QString::number(column))); // below the details: every column
    QVERIFY(!QSettings().value("sideBySide").toBool());
    QCOMPARE(m_fixture->engine.admin("DELETE", "/apisix/admin/routes/wrap").status, 200);
    traffic->clear();
    checkAlive();
}

// Ctrl+F: a find bar with the match count; Return goes on, Shift+Return back, both wrap; Escape closes.
void TestEveryControl::findBarCountsMatches()
{
    MainWindow *window = m_fixture->window.get();
    mainTabs()->setCurrentIndex(0);
    TrafficPanel *traffic = window->traffic();
    traffic->clear();
    QCOMPARE(httpRequest(m_fixture->engine.proxyPort(), "GET", "/plain/needle?needle=needle").status, 200);
    QTRY_COMPARE(traffic->model()->rowCount(), 1);
    traffic->table()->selectRow(0);
    traffic->detail()->setCurrentIndex(ExchangeView::ClientResponse);
    const QString shown = traffic->detail()->messageView(ExchangeView::ClientResponse)->plainText();
    const int count = int(shown.count("needle", Qt::CaseInsensitive));
    QVERIFY2(count >= 3, qPrintable(shown));
    for (QAction *a : window->findChildren<QAction *>())
        if (a->text() == QStringLiteral("Find in body…"))
            a->trigger();
    QTRY_VERIFY(traffic->findBar()->isVisible());
    auto *edit = traffic->findBar()->findChild<QLineEdit *>("find");
    auto *counter = traffic->findBar()->findChild<QLabel *>("findCount");
    QTest::keyClicks(edit, "needle"); // incremental: the first match as it is typed
    QCOMPARE(counter->text(), QStringLiteral("1 of %1").arg(count));
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(counter->text(), QStringLiteral("2 of %1").arg(count));
    QTest::keyClick(edit, Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(counter->text(), QStringLiteral("1 of %1").arg(count));
    QTest::keyClick(edit, Qt::Key_Return, Qt::ShiftModifier); // wraps to the last
    QCOMPARE(counter->text(), QStringLiteral("%1 of %1").arg(count));
    edit->clear();
    QTest::keyClicks(edit, "no such text");
    QCOMPARE(counter->text(), QStringLiteral("not found"));
    pressEverything(traffic->findBar(), {"Close"});
    QTest::keyClick(edit, Qt::Key_Escape);
    QVERIFY(!traffic->findBar()->isVisible());
    traffic->clear();
    checkAlive();
    traffic->clear();
}

void TestEveryControl::everyActionAndMenu()
{
    MainWindow *window = m_fixture->window.get();
    mainTabs()->setCurrentIndex(0);
    m_fixture->sendEveryKind();
    QTRY_VERIFY(window->traffic()->model()->rowCount() > 3);
    window->traffic()->table()->selectRow(1);
    // Each menu opens from the menu bar (and is closed again).
    m_closer->pause();
    for (QAction *menuAction : window->menuBar()->actions()) {
        QMenu *menu = menuAction->menu();
        QVERIFY(menu);
        QTest::mouseClick(window->menuBar(), Qt::LeftButton, {}, window->menuBar()->actionGeometry(menuAction).center());
        QTRY_VERIFY(menu->isVisible());
        for (QAction *sub : menu->actions()) {
            if (sub->menu()) {
                sub->menu()->popup(menu->mapToGlobal(menu->actionGeometry(sub).topRight()));
                QTRY_VERIFY(sub->menu()->isVisible());
                sub->menu()->close();
            }
        }
        menu->close();
    }
    m_closer->resume();
    // Each entry triggered; Quit is its own test.
    int triggered = 0;
    QList<QAction *> actions;
    for (QAction *menuAction : window->menuBar()->actions())
        for (QAction *a : menuAction->menu()->actions())
            actions << a;
    for (QAction *a : std::as_const(actions)) {
        if (a->isSeparator() || a->menu() || !a->isEnabled() || a->text() == QLatin1String("Quit"))
            continue;
        window->traffic()->table()->selectRow(0);
        a->trigger();
        if (a->isCheckable() && a->isChecked())
            a->trigger(); // and back: Pause, Follow
        ++triggered;
        QCoreApplication::processEvents();
        closeStrayWindows();
    }
    QVERIFY2(triggered >= 15, qPrintable(QString::number(triggered)));
    // No two entries share keys, and Help > Keyboard shortcuts lists each with its keys.
    QHash<QString, QString> owner;
    for (QAction *a : std::as_const(actions)) {
        const QString keys = a->shortcut().toString();
        if (keys.isEmpty())
            continue;
        QVERIFY2(!owner.contains(keys), qPrintable(keys + ": " + owner.value(keys) + " and " + a->text()));
        owner.insert(keys, a->text());
    }
    for (QAction *a : std::as_const(actions))
        if (a->text() == QLatin1String("Keyboard shortcuts"))
            a->trigger();
    QTableWidget *sheet = nullptr;
    QTRY_VERIFY((sheet = window->findChild<QTableWidget *>("shortcuts")));
    QStringList rows;
    for (int r = 0; r < sheet->rowCount(); ++r)
        rows << sheet->item(r, 1)->text() + " = " + sheet->item(r, 2)->text();
    QVERIFY2(rows.contains("Quit = Ctrl+Q"), qPrintable(rows.join('\n'))); // under any platform theme (offscreen here)
    QVERIFY2(rows.contains("Save workspace as… = Ctrl+Shift+S"), qPrintable(rows.join('\n')));
    QVERIFY2(rows.contains(QStringLiteral("Import APISIX configuration… = Ctrl+I")), qPrintable(rows.join('\n')));
    // The README's table lists each of them with the same keys, and nothing the menus lack.
    QFile readme(QStringLiteral(ROUTESCOPE_README));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(readme.readAll());
    const qsizetype start = text.indexOf("## Keyboard shortcuts");
    QVERIFY(start >= 0);
    const QString section = text.mid(start, text.indexOf("\n## ", start + 1) - start);
    QStringList listed;
    for (const QString &line : section.split('\n'))
        if (line.startsWith("| ") && !line.startsWith("| Keys"))
            listed << line;
    for (QAction *a : std::as_const(actions)) {
        if (a->shortcut().isEmpty())
            continue;
        const QString keys = a->shortcut().toString(QKeySequence::PortableText);
        const QString row = "| " + keys + " | " + a->text();
        bool found = false;
        for (const QString &line : std::as_const(listed))
            found = found || line.startsWith(row);
        QVERIFY2(found, qPrintable("README's shortcut table lacks: " + row));
    }
    QCOMPARE(listed.size(), int(owner.size()) + 2); // and two of editors: Ctrl+N, Ctrl+Return
    closeStrayWindows();
    // The status bar's runner label opens the runner log.
    for (QLabel *label : window->statusBar()->findChildren<QLabel *>())
        if (label->text().contains("Runner: "))
            QTest::mouseClick(label, Qt::LeftButton);
    closeStrayWindows();
    QVERIFY(m_closer->closed() >= 5); // file dialogs, find, message boxes were opened and cancelled
    checkAlive();
}

// Help > User guide (F1) shows this build's README from the top; Help > User guide sections, the section
// list and a link to a section each bring that section to the top of the view.
void TestEveryControl::userGuide()
{
    MainWindow *window = m_fixture->window.get();
    closeStrayWindows();
    QApplication::setActiveWindow(window);
    QTRY_VERIFY(window->isActiveWindow());
    QTest::keyClick(window, Qt::Key_F1);
    UserGuide *guide = nullptr;
    QTRY_VERIFY((guide = window->findChild<UserGuide *>()) && guide->isVisible());
    QVERIFY(QTest::qWaitForWindowExposed(guide));
    QCOMPARE(guide->text()->verticalScrollBar()->value(), 0);
    QVERIFY(guide->text()->toPlainText().contains("Set up and run the tests:"));
    // Read top to bottom: the long command lines and the picture fit the width, no sideways scroll.
    QTRY_COMPARE(guide->text()->horizontalScrollBar()->maximum(), 0);
    const QStringList sections = UserGuide::sections();
    QVERIFY2(sections.size() >= 10 && sections.contains("Your own runner") && sections.contains("Known differences from APISIX"),
             qPrintable(sections.join(", ")));
    // The picture the README shows is in the build, where the guide finds it.
    QVERIFY(QFile::exists(":/guide/docs/inspector-changes.png"));
    QVERIFY(!guide->text()->document()->resource(QTextDocument::ImageResource, QUrl("docs/inspector-changes.png")).isNull()
            || !guide->text()->loadResource(QTextDocument::ImageResource, QUrl("docs/inspector-changes.png")).isNull());
    // Each section from the Help menu's submenu.
    QMenu *submenu = nullptr;
    for (QAction *menuAction : window->menuBar()->actions())
        for (QAction *a : menuAction->menu()->actions())
            if (a->menu() && a->text() == QLatin1String("User guide sections"))
                submenu = a->menu();
    QVERIFY(submenu);
    QCOMPARE(submenu->actions().size(), sections.size());
    for (QAction *a : submenu->actions()) {
        a->trigger();
        QCOMPARE(window->findChildren<UserGuide *>().size(), 1); // one guide window, brought forward
        QScrollBar *bar = guide->text()->verticalScrollBar();
        // (The last sections are in view, their heading as high as the end of the text lets it go.)
        QTRY_VERIFY2(guide->sectionInView() == a->text() || (bar->value() == bar->maximum() && bar->value() > 0),
                     qPrintable(a->text() + " shows " + guide->sectionInView()));
        QCOMPARE(guide->sectionList()->currentItem()->text(), a->text());
    }
    // The list beside the text, and a link to a section ("[Tests](#tests)" in the README).
    QListWidget *list = guide->sectionList();
    const QListWidgetItem *known = list->findItems("Known differences from APISIX", Qt::MatchExactly).value(0);
    QVERIFY(known);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(known).center());
    QTRY_COMPARE(guide->sectionInView(), QStringLiteral("Known differences from APISIX"));
    Q_EMIT guide->text()->anchorClicked(QUrl("#tests"));
    QTRY_COMPARE(guide->sectionInView(), QStringLiteral("Tests"));
    QVERIFY(!guide->showSection("No such section"));
    list->setCurrentRow(0); // (top)
    QCOMPARE(guide->text()->verticalScrollBar()->value(), 0);
    QTest::keyClick(guide, Qt::Key_Escape);
    QTRY_VERIFY(!window->findChild<UserGuide *>());
}

void TestEveryControl::quitAsksAboutEdits()
{
    MainWindow *window = m_fixture->window.get();
    mainTabs()->setCurrentIndex(1);
    RoutesPanel *routes = window->routes();
    for (RoutesPanel *panel : window->objectPanels()) { // only the route's edits are at stake below
        const auto &objects = m_fixture->engine.store().snapshot()->of(panel->kind());
        if (panel == routes || objects.isEmpty())
            continue;
        openDiscarding(panel, objects.firstKey());
        QVERIFY2(!panel->editor()->isModified(), panel->editor()->jsonEditor()->textUtf8().constData());
    }
    openDiscarding(routes, "1");
    QTest::keyClicks(routes->editor()->form()->findChild<QLineEdit *>("name"), "unsaved");
    QVERIFY(routes->editor()->isModified());
    QAction *quit = nullptr;
    for (QAction *a : window->findChildren<QAction *>())
        if (a->text() == QLatin1String("Quit"))
            quit = a;
    QVERIFY(quit);
    quit->trigger(); // the closer answers Cancel
    QVERIFY(window->isVisible());
    QVERIFY(routes->editor()->isModified()); // nothing lost
    // Opening another workspace asks too; cancelled, nothing is opened.
    QSignalSpy opened(window, &MainWindow::openWorkspaceRequested);
    m_closer->pause();
    {
        UiDriver::DialogAnswer cancel(QMessageBox::Cancel);
        for (QAction *a : window->findChildren<QAction *>())
            if (a->text() == QStringLiteral("Open workspace…"))
                a->trigger();
        QVERIFY2(cancel.text().contains("edits that are not applied"), qPrintable(cancel.text())); // asked before any file dialog
    }
    m_closer->resume();
    QCOMPARE(opened.size(), 0);
    QVERIFY(routes->editor()->isModified());
    m_closer->pause();
    {
        UiDriver::DialogAnswer save(QMessageBox::Save);
        QVERIFY(window->close());
        QVERIFY(save.answered());
    }
    m_closer->resume();
    QCOMPARE(m_fixture->engine.store().snapshot()->routes.value("1").value.value("name").toString(), QStringLiteral("unsaved"));
    QVERIFY(!window->isVisible());
    window->show(); // for whatever runs after
}

void TestEveryControl::screenshots_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

// With ROUTESCOPE_SCREENSHOTS=DIR: pictures of the states issue 10 asks to look at, in a light and a dark
// palette (the route form with each plugin ticked and a row added; Changes on a 5 MB body; the upstream
// request with the path it was routed on and the path forwarded).
void TestEveryControl::screenshots()
{
    const QString dir = qEnvironmentVariable("ROUTESCOPE_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("set ROUTESCOPE_SCREENSHOTS=DIR to take them");
    QFETCH(bool, dark);
    const QPalette original = QApplication::palette();
    if (dark) {
        QPalette p;
        p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        p.setColor(QPalette::WindowText, QColor(0xdd, 0xdd, 0xdd));
        p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        p.setColor(QPalette::AlternateBase, QColor(0x33, 0x33, 0x33));
        p.setColor(QPalette::Text, QColor(0xdd, 0xdd, 0xdd));
        p.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3a));
        p.setColor(QPalette::ButtonText, QColor(0xdd, 0xdd, 0xdd));
        p.setColor(QPalette::ToolTipBase, QColor(0x4a, 0x44, 0x20));
        p.setColor(QPalette::ToolTipText, QColor(0xee, 0xee, 0xee));
        p.setColor(QPalette::Highlight, QColor(0x2a, 0x6a, 0xb0));
        p.setColor(QPalette::HighlightedText, Qt::white);
        for (QPalette::ColorRole role : {QPalette::Text, QPalette::ButtonText, QPalette::WindowText})
            p.setColor(QPalette::Disabled, role, QColor(0x77, 0x77, 0x77));
        p.setColor(QPalette::PlaceholderText, QColor(0x99, 0x99, 0x99));
        QApplication::setPalette(p);
    }
    MainWindow *window = m_fixture->window.get();
    openDiscarding(window->routes(), "1");
    openDiscarding(window->upstreams(), "u1");
    mainTabs()->setCurrentIndex(1);
    RoutesPanel *routes = window->routes();
    UiDriver::button(routes, "Add")->click();
    for (int phase = 0; phase < 3; ++phase) {
        ConfEditor *conf = routes->editor()->form()->confEditor(phase);
        UiDriver::clickGroupBoxCheck(conf);
        QTest::mouseClick(UiDriver::button(conf, "Add"), Qt::LeftButton);
    }
    auto *scroll = routes->editor()->form()->findChild<QScrollArea *>();
    scroll->ensureWidgetVisible(routes->editor()->form()->confEditor(1));
    QCoreApplication::processEvents();
    const QString suffix = dark ? "-dark.png" : "-light.png";
    QVERIFY(window->grab().save(dir + "/routeform" + suffix));
    scroll->ensureVisible(0, 0); // the top: uri to upstream, service and plugin config ids, vars
    QCoreApplication::processEvents();
    QVERIFY(window->grab().save(dir + "/routeform-top" + suffix));
    openDiscarding(routes, "1");
    // Consumers, SSLs, more: a consumer with key-auth open beside the list.
    ConfigStore &store = m_fixture->engine.store();
    store.put(ResourceKind::ConsumerGroup, "gold", {{"plugins", QJsonObject{{"limit-count", QJsonObject{{"count", 100}, {"time_window", 60}}}}}});
    store.put(ResourceKind::Consumer, "shot", {{"username", "shot"}, {"group_id", "gold"}, {"plugins", QJsonObject{{"key-auth", QJsonObject{{"key", "shot-key"}}}}}});
    store.put(ResourceKind::Consumer, "shot/credentials/jwt", {{"plugins", QJsonObject{{"jwt-auth", QJsonObject{{"key", "shot-jwt"}, {"secret", "s3cret"}}}}}});
    mainTabs()->setCurrentIndex(6);
    RoutesPanel *consumers = window->objectPanels()[5];
    QTRY_VERIFY(consumers->table()->model()->rowCount() >= 1);
    openDiscarding(consumers, "shot");
    QCoreApplication::processEvents();
    QVERIFY(window->grab().save(dir + "/consumers" + suffix));
    // A stream route open, with a node whose port is out of range: APISIX's words and the hint beside them.
    store.put(ResourceKind::StreamRoute, "mqtt", {{"server_port", 1883}, {"remote_addr", "10.0.0.0/8"},
                                                  {"plugins", QJsonObject{{"mqtt-proxy", QJsonObject{{"protocol_name", "MQTT"}, {"protocol_level", 4}}}}},
                                                  {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1995", 1}}}}}});
    auto *stored = qobject_cast<QTabWidget *>(mainTabs()->currentWidget());
    stored->setCurrentIndex(6);
    RoutesPanel *streams = window->objectPanels()[11];
    QTRY_VERIFY(streams->table()->model()->rowCount() >= 1);
    openDiscarding(streams, "mqtt");
    streams->editor()->jsonEditor()->setText(QStringLiteral("{\n  \"server_port\": 1883,\n  \"remote_addr\": \"10.0.0.0/8\",\n"
                                                            "  \"upstream\": {\"nodes\": [{\"host\": \"127.0.0.1\", \"port\": 70000, \"weight\": 1}]}\n}\n"));
    streams->editor()->checkNow();
    QCoreApplication::processEvents();
    QVERIFY(window->grab().save(dir + "/stream-routes" + suffix));
    QVERIFY(std::any_of(streams->editor()->problems().cbegin(), streams->editor()->problems().cend(),
                        [](const Problem &p) { return p.shown().contains("node 1: \"port\" must be an integer from 1 to 65535"); }));
    {
        m_closer->pause();
        UiDriver::DialogAnswer discard(QMessageBox::Discard);
        QVERIFY(streams->editor()->confirmLeave(streams));
        m_closer->resume();
    }
    mainTabs()->setCurrentIndex(0);
    TrafficPanel *traffic = window->traffic();
    traffic->clear();
    m_fixture->sendEveryKind();
    QTRY_VERIFY(traffic->model()->rowCount() >= 10);
    for (int row = 0; row < traffic->model()->rowCount(); ++row) {
        if (traffic->model()->exchangeAt(row)->id == 1'000'003) {
            traffic->table()->selectRow(traffic->filter()->mapFromSource(traffic->model()->index(row, 0)).row());
            break;
        }
    }
    traffic->detail()->setCurrentIndex(ExchangeView::Changes);
    QTRY_VERIFY(!traffic->detail()->changesView()->isComputing());
    QVERIFY(window->grab().save(dir + "/changes-5mb" + suffix));
    // The routing and forwarded paths above the requests (issue 11).
    traffic->table()->selectRow(0);
    traffic->detail()->setCurrentIndex(ExchangeView::UpstreamRequest);
    QCoreApplication::processEvents();
    QVERIFY(window->grab().save(dir + "/upstream-request" + suffix));
    // The Timing waterfall (issue 16) of an exchange that went through the runner.
    for (int row = 0; row < traffic->filter()->rowCount(); ++row) {
        const ExchangePtr e = traffic->filter()->index(row, 0).data(TrafficModel::ExchangeRole).value<ExchangePtr>();
        if (e && !e->frames.isEmpty() && e->upstreamResponse.present) {
            traffic->table()->selectRow(row);
            break;
        }
    }
    traffic->detail()->setCurrentIndex(ExchangeView::Timing);
    QCoreApplication::processEvents();
    QVERIFY(window->grab().save(dir + "/timing" + suffix));
    traffic->detail()->setCurrentIndex(ExchangeView::Changes); // the README's picture
    QTRY_VERIFY(!traffic->detail()->changesView()->isComputing());
    QVERIFY(window->grab().save(dir + "/changes" + suffix));
    // The runner frames with the selected one read whole, the details beside the table (issue 16).
    traffic->setSideBySide(true);
    traffic->detail()->setCurrentIndex(ExchangeView::Runner);
    QCoreApplication::processEvents();
    QVERIFY(window->grab().save(dir + "/runner-beside" + suffix));
    traffic->setSideBySide(false);
    // The upstream form (issue 16).
    mainTabs()->setCurrentIndex(2);
    openDiscarding(window->upstreams(), "u1");
    QCoreApplication::processEvents();
    QVERIFY(window->grab().save(dir + "/upstream-form" + suffix));
    // A service in its tab (issue 13), with the routes that use it counted.
    mainTabs()->setCurrentIndex(3);
    openDiscarding(window->objectPanels()[2], "s1");
    QCoreApplication::processEvents();
    QVERIFY(window->grab().save(dir + "/services" + suffix));
    // Why this route (issue 16), for a request that two routes could take.
    RouteExplainer explainer(&m_fixture->engine.store(), window);
    explainer.findChild<QLineEdit *>("url")->setText("/shop/cart?item=1");
    explainer.findChild<QLineEdit *>("host")->setText("shop.example");
    explainer.explain();
    explainer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&explainer));
    QVERIFY(explainer.grab().save(dir + "/why-this-route" + suffix));
    // Edit and replay (issue 16), filled in from an exchange.
    ReplayEditor replayEditor(QHostAddress::LocalHost, 9080, window);
    CapturedMessage edited;
    edited.method = "POST";
    edited.target = "/index.html?lang=en";
    edited.headers.add("Host", "127.0.0.1:9080");
    edited.headers.add("Content-Type", "application/json");
    edited.headers.add("X-Trace", "replay-1");
    edited.body = "{\"enable\": \"feature\"}";
    replayEditor.setRequest(edited);
    replayEditor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&replayEditor));
    QVERIFY(replayEditor.grab().save(dir + "/edit-and-replay" + suffix));
    // Compare (issue 16): two exchanges of the traffic side by side.
    CompareDialog compare(traffic->model()->exchangeAt(0), traffic->model()->exchangeAt(1), window);
    compare.show();
    QVERIFY(QTest::qWaitForWindowExposed(&compare));
    QTRY_VERIFY(!compare.view()->isComputing());
    QVERIFY(compare.grab().save(dir + "/compare" + suffix));
    // The runner log, live (issue 16).
    RunnerLog *runnerLog = window->showRunnerLog();
    QVERIFY(QTest::qWaitForWindowExposed(runnerLog));
    QVERIFY(runnerLog->grab().save(dir + "/runner-log" + suffix));
    runnerLog->close();
    // The user guide at one of its sections (issue 16).
    UserGuide *guide = window->showUserGuide("Your own runner");
    QVERIFY(QTest::qWaitForWindowExposed(guide));
    QTRY_COMPARE(guide->sectionInView(), QStringLiteral("Your own runner"));
    QVERIFY(guide->grab().save(dir + "/user-guide" + suffix));
    guide->close();
    // The first-run view (issue 16).
    WelcomeView welcome;
    welcome.setInfo({"http://127.0.0.1:9080", "http://127.0.0.1:9180", "http://127.0.0.1:1980", "routescope-demo-runner (pid 4242)", "k3y"});
    welcome.resize(1100, 560);
    welcome.show();
    QVERIFY(QTest::qWaitForWindowExposed(&welcome));
    QVERIFY(welcome.grab().save(dir + "/welcome" + suffix));
    // File > Export for APISIX and File > Import (issue 14).
    ExportDialog exporter(&m_fixture->engine.store(), QJsonObject{{"cmd", QJsonArray{"routescope-demo-runner"}}}, {}, window);
    exporter.show();
    QVERIFY(QTest::qWaitForWindowExposed(&exporter));
    QVERIFY(exporter.grab().save(dir + "/export" + suffix));
    ImportDialog importer(&m_fixture->engine.store(), {}, window);
    importer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&importer));
    QTemporaryDir files;
    const QString yaml = files.filePath("apisix.yaml");
    writeFile(yaml, "routes:\n  - id: 9\n    uri: /nine\n    upstream_id: u1\n    plugins:\n      limit-count: {count: 1, time_window: 1}\n"
                    "  - id: 10\n    uri: /ten\n    upstream_id: nope\nstream_routes:\n  - id: 1\n");
    importer.read(yaml);
    QVERIFY(importer.grab().save(dir + "/import" + suffix));
    TestEngine target;
    QVERIFY(target.put("/apisix/admin/routes/old", "{\"uri\":\"/old\",\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}") == 201);
    QVERIFY(target.put("/apisix/admin/upstreams/u1", "{\"name\":\"before\",\"nodes\":{\"127.0.0.1:9\":1}}") == 201); // a field-level update
    SyncDialog sync(&m_fixture->engine.store(), {}, window);
    sync.show();
    QVERIFY(QTest::qWaitForWindowExposed(&sync));
    sync.findChild<QLineEdit *>("adminUrl")->setText(QStringLiteral("http://127.0.0.1:%1").arg(target.adminPort()));
    sync.findChild<QLineEdit *>("key")->setText("test-key");
    sync.findChild<QCheckBox *>("prune")->setChecked(true);
    for (QPushButton *b : sync.findChildren<QPushButton *>())
        if (b->text() == QLatin1String("&Plan"))
            b->click();
    QVERIFY(sync.output().contains("delete route old"));
    QVERIFY(sync.grab().save(dir + "/sync" + suffix));
    // The status bar of a window whose Admin API listens beyond loopback (issue 15).
    MainWindowInfo exposedInfo;
    exposedInfo.proxyUrl = QStringLiteral("http://0.0.0.0:9080");
    exposedInfo.adminUrl = QStringLiteral("http://0.0.0.0:9180/apisix/admin");
    MainWindow exposed(&m_fixture->engine.store(), m_fixture->engine.engine().capture(), nullptr, exposedInfo);
    exposed.resize(1280, 500);
    exposed.show();
    QVERIFY(QTest::qWaitForWindowExposed(&exposed));
    QVERIFY(exposed.grab().save(dir + "/admin-exposed" + suffix));
    QApplication::setPalette(original);
}

QTEST_MAIN(TestEveryControl)
#include "tst_everycontrol.moc"
