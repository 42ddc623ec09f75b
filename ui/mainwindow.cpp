#include "mainwindow.h"

#include "adminapi.h"
#include "bodytext.h"
#include "capturestore.h"
#include "clientsettings.h"
#include "configstore.h"
#include "configtransfer.h"
#include "routeeditor.h"
#include "routeexplainer.h"
#include "routespanel.h"
#include "runnerlog.h"
#include "runnerprocess.h"
#include "trafficpanel.h"
#include "userguide.h"
#include "welcomeview.h"

#include <QAction>
#include <QCoreApplication>
#include <QMessageBox>
#include <QTableWidget>
#include <Qsci/qsciglobal.h>
#include <flatbuffers/base.h>
#include <QCloseEvent>
#include <QDateTime>
#include <QDialog>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

MainWindow::MainWindow(ConfigStore *store, CaptureStore *capture, RunnerProcess *runner, const MainWindowInfo &info, QWidget *parent)
    : QMainWindow(parent), m_store(store), m_capture(capture), m_runnerSettings(info.runner), m_customPlugins(info.customPlugins), m_dataKeyring(info.dataKeyring),
      m_workspacePath(info.workspacePath),
      m_routesPanel(new RoutesPanel(ResourceKind::Route, store, PluginCatalogue::fromJson(info.pluginCatalogue), this)),
      m_upstreamsPanel(new RoutesPanel(ResourceKind::Upstream, store, PluginCatalogue::fromJson(info.pluginCatalogue), this)),
      m_traffic(new TrafficPanel(capture, info.proxyUrl, info.proxyPort, this)),
      m_runnerState(new QLabel(this)), m_rate(new QLabel(this)), m_memory(new QLabel(this)), m_runner(runner)
{
    auto *tabs = new QTabWidget(this);
    tabs->addTab(m_traffic, tr("Traffic"));
    tabs->addTab(m_routesPanel, tr("Routes"));
    tabs->addTab(m_upstreamsPanel, tr("Upstreams"));
    m_objectPanels = {m_routesPanel, m_upstreamsPanel};
    for (const auto &[kind, title] : {std::pair{ResourceKind::Service, tr("Services")}, std::pair{ResourceKind::PluginConfig, tr("Plugin configs")},
                                      std::pair{ResourceKind::GlobalRule, tr("Global rules")}}) {
        auto *panel = new RoutesPanel(kind, store, PluginCatalogue::fromJson(info.pluginCatalogue), this);
        tabs->addTab(panel, title);
        m_objectPanels.append(panel);
    }
    // What APISIX stores and RouteScope keeps and exports without running: one tab, a tab per kind inside.
    auto *more = new QTabWidget(this);
    more->setObjectName(QStringLiteral("storedKinds"));
    more->setDocumentMode(true);
    for (const auto &[kind, title] : {std::pair{ResourceKind::Consumer, tr("Consumers")}, std::pair{ResourceKind::ConsumerGroup, tr("Consumer groups")},
                                      std::pair{ResourceKind::Ssl, tr("SSLs")}, std::pair{ResourceKind::Proto, tr("Protos")},
                                      std::pair{ResourceKind::Secret, tr("Secrets")}, std::pair{ResourceKind::PluginMetadata, tr("Plugin metadata")},
                                      std::pair{ResourceKind::StreamRoute, tr("Stream routes")}}) {
        auto *panel = new RoutesPanel(kind, store, PluginCatalogue::fromJson(info.pluginCatalogue), this);
        more->addTab(panel, title);
        m_objectPanels.append(panel);
    }
    tabs->addTab(more, tr("Consumers, SSLs, more"));
    tabs->setTabToolTip(tabs->count() - 1, tr("Consumers, consumer groups, SSLs, protos, secrets, plugin metadata and stream routes: stored, checked and "
                                              "exported as APISIX does; RouteScope does not run them (an exchange says so where it matters)"));
    setCentralWidget(tabs);
    for (RoutesPanel *panel : std::as_const(m_objectPanels)) {
        connect(panel, &RoutesPanel::message, this, [this](const QString &text) { statusBar()->showMessage(text, 6000); });
        connect(panel->editor(), &RouteEditor::modifiedChanged, this, &MainWindow::updateTitle);
    }
    updateTitle();

    QString addresses = tr("Proxy %1   Admin %2").arg(info.proxyUrl, info.adminUrl);
    if (!info.demoUrl.isEmpty())
        addresses += tr("   Demo upstream %1").arg(info.demoUrl);
    statusBar()->addWidget(new QLabel(addresses, this));
    if (!isLoopbackHost(QUrl(info.adminUrl).host().toLatin1())) {
        // Anyone who reaches the port and holds the key reconfigures the gateway: say so where it is always seen.
        auto *exposed = new QLabel(tr("<span style=\"color:#e0433a\">\u26a0</span> Admin API open beyond loopback"), this);
        exposed->setObjectName(QStringLiteral("adminExposed"));
        exposed->setToolTip(tr("The Admin API listens on %1: every host that can reach this port and holds the admin key "
                               "can change the gateway's routes. Bind it to 127.0.0.1 unless that is what you want.").arg(info.adminUrl));
        statusBar()->addPermanentWidget(exposed);
    }
    m_runnerState->setText(info.runnerDescription.isEmpty() ? tr("Runner: none configured") : tr("Runner: starting"));
    m_runnerState->setToolTip(tr("Click for the runner's log"));
    m_runnerState->setCursor(Qt::PointingHandCursor);
    m_runnerState->installEventFilter(this);
    statusBar()->addPermanentWidget(m_runnerState);
    statusBar()->addPermanentWidget(m_rate);
    statusBar()->addPermanentWidget(m_memory);
    connect(m_traffic, &TrafficPanel::message, this, [this](const QString &text) { statusBar()->showMessage(text, 5000); });

    if (runner) {
        static const char *const names[] = {"stopped", "starting", "ready", "exited", "respawning"};
        RunnerProcess::State now = RunnerProcess::State::Stopped;
        qint64 pid = 0;
        QMetaObject::invokeMethod(runner, [runner, &now, &pid] { now = runner->state(); pid = runner->pid(); }, Qt::BlockingQueuedConnection);
        // The state in words and in colour (a dot of a hue that reads on a light and a dark bar alike).
        const auto show = [this](RunnerProcess::State state) {
            static const char *const colours[] = {"#9a9a9a", "#d9a400", "#2fa84f", "#e0433a", "#d9a400"};
            m_runnerState->setText(QStringLiteral("<span style=\"color:%1\">\u25cf</span> ").arg(QLatin1String(colours[int(state)]))
                                   + tr("Runner: %1").arg(QLatin1String(names[int(state)])));
            if (m_runnerLogWindow)
                m_runnerLogWindow->setState(m_runnerState->text());
        };
        show(now);
        addRunnerLog(QStringLiteral("state"), pid ? tr("%1 when this window opened (pid %2)").arg(QLatin1String(names[int(now)])).arg(pid)
                                                  : tr("%1 when this window opened").arg(QLatin1String(names[int(now)])));
        connect(runner, &RunnerProcess::stateChanged, this, [this, show](RunnerProcess::State state, const QString &detail) {
            show(state);
            addRunnerLog(QStringLiteral("state"), detail);
            if (state == RunnerProcess::State::Exited) // a notice: ext-plugin-* answer 503 until it is back
                statusBar()->showMessage(tr("The Plugin Runner exited (%1): ext-plugin-* routes answer 503 until it is back; click Runner for its log")
                                             .arg(detail), 15000);
        });
        connect(runner, &RunnerProcess::outputLine, this, [this](const QString &stream, const QString &line) {
            addRunnerLog(stream, line);
        });
    } else if (!info.runnerDescription.isEmpty()) {
        m_runnerState->setText(tr("Runner: %1").arg(info.runnerDescription));
    }
    // The first-run view writes the API's paths itself: it takes the address without "/apisix/admin".
    QString adminBase = info.adminUrl;
    if (adminBase.endsWith(QLatin1String("/apisix/admin")))
        adminBase.chop(int(qstrlen("/apisix/admin")));
    m_traffic->welcome()->setInfo({info.proxyUrl, adminBase, info.demoUrl, info.runnerDescription, info.adminKey});
    connect(m_traffic->welcome(), &WelcomeView::sendTestRequest, this, [this] { m_traffic->sendTestRequest(testRequestPath()); });
    connect(m_traffic, &TrafficPanel::explainRequested, this, &MainWindow::showRouteExplainer);
    buildMenus();
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &MainWindow::tick);
    timer->start(1000);
    tick();
    resize(1280, 800);
}

void MainWindow::buildMenus()
{
    // Keys are written out, not QKeySequence's standard keys: a platform theme may map those to nothing
    // (under the generic and qt6ct themes Quit and Save As had no keys at all).
    auto action = [this](QMenu *menu, const QString &text, const QKeySequence &key, auto slot) {
        QAction *a = menu->addAction(text);
        if (!key.isEmpty())
            a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    QMenu *file = menuBar()->addMenu(tr("&File"));
    action(file, tr("Open capture session (HAR)…"), QKeySequence(Qt::CTRL | Qt::Key_O), [this] { m_traffic->openHar(); });
    file->addSeparator();
    action(file, tr("Open workspace…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] {
        if (!confirmLeave())
            return;
        const QString path = QFileDialog::getOpenFileName(this, tr("Open workspace"), QFileInfo(m_workspacePath).path(), tr("Workspaces (*.json)"));
        if (!path.isEmpty())
            Q_EMIT openWorkspaceRequested(path);
    });
    QMenu *recent = file->addMenu(tr("Open recent workspace"));
    for (const QString &path : QSettings().value(QStringLiteral("recentWorkspaces")).toStringList())
        if (path != m_workspacePath)
            recent->addAction(path, this, [this, path] {
                if (confirmLeave())
                    Q_EMIT openWorkspaceRequested(path);
            });
    recent->setEnabled(!recent->actions().isEmpty());
    action(file, tr("Save workspace"), QKeySequence(Qt::CTRL | Qt::Key_S), [this] {
        statusBar()->showMessage(tr("Saved: every applied change is written to %1 at once").arg(m_workspacePath), 5000);
    });
    action(file, tr("Save workspace as…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save workspace as"), m_workspacePath, tr("Workspaces (*.json)"));
        if (!path.isEmpty()) {
            Q_EMIT saveWorkspaceAsRequested(path);
            m_workspacePath = path;
            updateTitle();
        }
    });
    file->addSeparator();
    action(file, tr("Import APISIX configuration…"), QKeySequence(Qt::CTRL | Qt::Key_I), [this] { showImport(); });
    action(file, tr("Export for APISIX…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E), [this] { showExport(); });
    action(file, tr("Sync to APISIX…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S), [this] { showSync(); });
    file->addSeparator();
    QAction *exportAll = action(file, tr("Export all as HAR…"), QKeySequence(Qt::CTRL | Qt::Key_E), [this] { m_traffic->exportHar(false); });
    action(file, tr("Export selection as HAR…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), [this] { m_traffic->exportHar(true); });
    file->addSeparator();
    action(file, tr("Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q), [this] { close(); });

    QMenu *traffic = menuBar()->addMenu(tr("&Traffic"));
    action(traffic, tr("Filter"), QKeySequence(Qt::CTRL | Qt::Key_L), [this] { m_traffic->focusFilter(); });
    action(traffic, tr("Find in body…"), QKeySequence(Qt::CTRL | Qt::Key_F), [this] { m_traffic->findInBody(); });
    traffic->addSeparator();
    action(traffic, tr("Copy as curl"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), [this] { m_traffic->copyAsCurl(); });
    action(traffic, tr("Copy response"), {}, [this] { m_traffic->copyResponse(); });
    action(traffic, tr("Replay"), QKeySequence(Qt::CTRL | Qt::Key_R), [this] { m_traffic->replay(); });
    action(traffic, tr("Edit and replay…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), [this] { m_traffic->editAndReplay(); });
    action(traffic, tr("Compare the two selected…"), QKeySequence(Qt::CTRL | Qt::Key_D), [this] { m_traffic->compareSelected(); });
    QAction *remove = action(traffic, tr("Remove"), QKeySequence(Qt::Key_Delete), [this] { m_traffic->removeSelected(); });
    remove->setShortcutContext(Qt::WidgetWithChildrenShortcut); // Del in an editor stays a Del
    m_traffic->table()->addAction(remove);
    traffic->addSeparator();
    QAction *pause = action(traffic, tr("Pause capture"), QKeySequence(Qt::CTRL | Qt::Key_P), [this](bool on) { m_traffic->setPaused(on); });
    pause->setCheckable(true);
    QAction *follow = action(traffic, tr("Follow new traffic"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F), [this](bool on) { m_traffic->setFollow(on); });
    follow->setCheckable(true);
    follow->setChecked(m_traffic->isFollowing());
    follow->setToolTip(tr("Keep the newest exchange in view; selecting a row or scrolling stops it"));
    connect(m_traffic, &TrafficPanel::followChanged, follow, &QAction::setChecked);
    action(traffic, tr("Clear"), QKeySequence(Qt::CTRL | Qt::Key_K), [this] { m_traffic->clear(); });
    traffic->addSeparator();
    action(traffic, tr("Why this route…"), QKeySequence(Qt::CTRL | Qt::Key_W), [this] { showRouteExplainer(); });
    action(traffic, tr("Runner log…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L), [this] { showRunnerLog(); });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *beside = action(view, tr("Details beside the table"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B), [this](bool on) {
        m_traffic->setSideBySide(on);
        QSettings().setValue(QStringLiteral("sideBySide"), on);
    });
    beside->setCheckable(true);
    beside->setToolTip(tr("The exchange's tabs to the right of the traffic table (a wide screen) instead of below it"));
    beside->setChecked(QSettings().value(QStringLiteral("sideBySide"), false).toBool());
    m_traffic->setSideBySide(beside->isChecked());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    action(help, tr("User guide"), QKeySequence(Qt::Key_F1), [this] { showUserGuide(); });
    QMenu *sections = help->addMenu(tr("User guide sections"));
    for (const QString &heading : UserGuide::sections())
        sections->addAction(heading, this, [this, heading] { showUserGuide(heading); });
    help->addSeparator();
    action(help, tr("Keyboard shortcuts"), QKeySequence(Qt::CTRL | Qt::Key_Slash), [this] { showShortcuts(); });
    action(help, tr("About RouteScope"), {}, [this] { showAbout(); });

    QToolBar *bar = addToolBar(tr("Traffic"));
    bar->setMovable(false);
    bar->addAction(pause);
    bar->addAction(follow);
    for (QAction *a : traffic->actions())
        if (a->text() == tr("Clear") || a->text() == tr("Replay") || a->text() == tr("Copy as curl"))
            bar->addAction(a);
    bar->addAction(exportAll);
}

void MainWindow::tick()
{
    if (!m_capture) {
        m_memory->setText(tr("Capture off"));
        return;
    }
    const quint64 seen = m_capture->totalSeen();
    m_rate->setText(tr("%1 req/s").arg(seen - m_lastSeen));
    m_lastSeen = seen;
    const quint64 dropped = m_capture->droppedForBudget();
    m_memory->setText(tr("Capture %1 of %2").arg(sizeText(m_capture->memoryUsed()), sizeText(m_capture->budget()))
                      + (dropped ? tr(", %1 older dropped").arg(dropped) : QString()));
    m_memory->setToolTip(dropped ? tr("%1 older exchanges were dropped to stay within the capture budget (capture_budget_mib in the workspace)").arg(dropped) : QString());
}

void MainWindow::addRunnerLog(const QString &tag, const QString &line)
{
    const QString entry = QStringLiteral("%1  [%2] %3").arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")), tag, line);
    m_runnerLog << entry;
    if (m_runnerLog.size() > RunnerLog::kMaxLines)
        m_runnerLog.removeFirst();
    if (m_runnerLogWindow)
        m_runnerLogWindow->appendLine(entry);
}

RunnerLog *MainWindow::showRunnerLog()
{
    if (!m_runnerLogWindow) {
        m_runnerLogWindow = new RunnerLog(m_runner, m_runnerLog, this);
        m_runnerLogWindow->setAttribute(Qt::WA_DeleteOnClose);
        m_runnerLogWindow->setState(m_runnerState->text());
    }
    m_runnerLogWindow->show();
    m_runnerLogWindow->raise();
    m_runnerLogWindow->activateWindow();
    return m_runnerLogWindow;
}

UserGuide *MainWindow::showUserGuide(const QString &section)
{
    if (!m_guide) {
        m_guide = new UserGuide(this);
        m_guide->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_guide->show();
    m_guide->raise();
    m_guide->activateWindow();
    if (!section.isEmpty())
        m_guide->showSection(section);
    return m_guide;
}

void MainWindow::showRouteExplainer()
{
    auto *dialog = new RouteExplainer(m_store, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (const ExchangePtr e = m_traffic->current())
        dialog->setExchange(*e); // the selected exchange's request, explained against the routes as they are now
    dialog->show();
}

void MainWindow::showShortcuts()
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Keyboard shortcuts"));
    auto *table = new QTableWidget(0, 3, dialog);
    table->setObjectName(QStringLiteral("shortcuts"));
    table->setHorizontalHeaderLabels({tr("Menu"), tr("Action"), tr("Keys")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (QAction *menuAction : menuBar()->actions())
        for (QAction *a : menuAction->menu()->actions()) {
            if (a->isSeparator() || a->menu())
                continue;
            const int row = table->rowCount();
            table->insertRow(row);
            table->setItem(row, 0, new QTableWidgetItem(menuAction->text().remove(QLatin1Char('&'))));
            table->setItem(row, 1, new QTableWidgetItem(a->text().remove(QLatin1Char('&'))));
            table->setItem(row, 2, new QTableWidgetItem(a->shortcut().toString(QKeySequence::NativeText)));
        }
    const QList<std::pair<QString, QString>> elsewhere = {{tr("Apply the editor's changes"), QStringLiteral("Ctrl+Return")},
                                                          {tr("New route, upstream, …"), QStringLiteral("Ctrl+N")},
                                                          {tr("Resume following new traffic"), QStringLiteral("End")}};
    for (const auto &[what, keys] : elsewhere) {
        table->insertRow(table->rowCount());
        table->setItem(table->rowCount() - 1, 0, new QTableWidgetItem(tr("Editors and tables")));
        table->setItem(table->rowCount() - 1, 1, new QTableWidgetItem(what));
        table->setItem(table->rowCount() - 1, 2, new QTableWidgetItem(QKeySequence(keys).toString(QKeySequence::NativeText)));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(table);
    dialog->resize(560, 560);
    dialog->show();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About RouteScope"),
                       tr("<h3>RouteScope %1</h3><p>A route manager and traffic inspector for Apache APISIX: what you design and see "
                          "here is what production APISIX does (APISIX %2's behaviour).</p>"
                          "<p>Qt %3 (built with %4), QScintilla %5, FlatBuffers %6.%7.%8, llhttp, yaml-cpp, RapidJSON.</p>"
                          "<p>Help &gt; User guide (F1) has the README of this version: the window, your own runner, the "
                          "command line (export, import, sync), the Admin API, the known differences from APISIX.</p>")
                           .arg(QCoreApplication::applicationVersion(), QLatin1String(ClientSettings::kApisixVersion), QLatin1String(qVersion()),
                                QLatin1String(QT_VERSION_STR), QLatin1String(QSCINTILLA_VERSION_STR))
                           .arg(FLATBUFFERS_VERSION_MAJOR).arg(FLATBUFFERS_VERSION_MINOR).arg(FLATBUFFERS_VERSION_REVISION));
}

QString MainWindow::testRequestPath() const
{
    const auto snap = m_store->snapshot();
    // A path the route's first uri covers: "/demo/*" gives "/demo/get".
    const auto pathOf = [](const CompiledRoute &route) {
        QString uri = QString::fromUtf8(route.uris.first());
        if (uri.endsWith(QLatin1Char('*')))
            uri = uri.chopped(1) + (uri.endsWith(QLatin1String("/*")) ? QStringLiteral("get") : QStringLiteral("/get"));
        return uri;
    };
    if (const auto demo = snap->compiledRoutes.value(QStringLiteral("demo")); demo && !demo->uris.isEmpty())
        return pathOf(*demo);
    for (auto it = snap->routes.cbegin(); it != snap->routes.cend(); ++it) // by id, as the Routes tab lists them
        if (const auto route = snap->compiledRoutes.value(it.key()); route && route->enabled && !route->uris.isEmpty())
            return pathOf(*route);
    return QStringLiteral("/demo/get"); // no route: the 404 APISIX gives shows all the same
}

void MainWindow::showExport()
{
    auto *dialog = new ExportDialog(m_store, m_runnerSettings, m_customPlugins, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::showImport()
{
    auto *dialog = new ImportDialog(m_store, m_customPlugins, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportDialog::imported, this, [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    dialog->show();
}

void MainWindow::showSync()
{
    auto *dialog = new SyncDialog(m_store, m_dataKeyring, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

bool MainWindow::confirmLeave()
{
    for (RoutesPanel *panel : std::as_const(m_objectPanels)) {
        if (!panel->editor()->isModified())
            continue;
        // The user sees what the question is about: its tab, and the tab that holds that tab.
        for (QWidget *page = panel; page && page != this; page = page->parentWidget())
            if (auto *stack = qobject_cast<QStackedWidget *>(page->parentWidget()))
                if (auto *tabs = qobject_cast<QTabWidget *>(stack->parentWidget()))
                    tabs->setCurrentWidget(page);
        if (!panel->editor()->confirmLeave(this))
            return false;
    }
    return true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (confirmLeave())
        event->accept();
    else
        event->ignore();
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_runnerState && event->type() == QEvent::MouseButtonRelease) {
        showRunnerLog();
        return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::updateTitle()
{
    const bool edited = std::any_of(m_objectPanels.begin(), m_objectPanels.end(), [](RoutesPanel *p) { return p->editor()->isModified(); });
    setWindowTitle(tr("%1RouteScope — %2").arg(edited ? QStringLiteral("* ") : QString(), m_workspacePath));
}
