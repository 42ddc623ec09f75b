#include "confeditor.h"
#include "jsoneditor.h"
#include "plugincatalogue.h"
#include "routeeditor.h"
#include "routeform.h"
#include "routesmodel.h"
#include "routespanel.h"
#include "upstreamform.h"
#include "validator.h"
#include "testhttp.h"
#include "uidriver.h"

#include <Qsci/qscilexerjson.h>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QListWidget>
#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>
#include <QTabWidget>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

class TestRouteEditor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void longProblemsWrap();
    void upstreamForm();
    void formRoundTrip_data();
    void formRoundTrip();
    void formEditsReachJson();
    void formCoversServicePluginConfigAndVars();
    void jsonEditorFollowsThePalette();
    void brokenConfValueIsMarkedOnItsLine();
    void parseErrorIsMarked();
    void servicesPluginConfigsAndGlobalRulesFromThePanels();
    void applyChangesLiveTraffic();
    void adminApiChangeReloadsTheEditor();
    void deleteIsUndoable();
    void confTableReorders();
    void confMetaFields();
    void confAddButtonOnEachPlugin_data();
    void confAddButtonOnEachPlugin();
    void addNodeButton();
    void tenThousandRoutesWithoutStalls();
    void buttonsFollowTheState();
    void newRouteIdIsChosenAndValidated();
    void jsonIdOfAnExistingRouteIsAProblem();
    void switchingRoutesAsksAboutEdits();
    void selectionSurvivesChanges();
    void enableDisableIsShownAndQuiet();
    void afterAddTheSelectedRowOpensAgain();
    void discardingANewOneAsksOnce();
};

namespace {
// A route to an address nothing needs to answer on.
int putRoute(ConfigStore &store, const QString &id)
{
    return store.put(ResourceKind::Route, id, QJsonObject{{"uri", QStringLiteral("/") + id}, {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1", 1}}}}}}).status;
}

QJsonObject editorJson(RouteEditor &editor)
{
    return QJsonDocument::fromJson(editor.jsonEditor()->textUtf8()).object();
}

RouteEditor *panelEditorWithRoutes(RoutesPanel &panel)
{
    panel.show();
    return panel.editor();
}
} // namespace

void TestRouteEditor::confAddButtonOnEachPlugin_data()
{
    QTest::addColumn<int>("phase");
    QTest::newRow("ext-plugin-pre-req") << 0;
    QTest::newRow("ext-plugin-post-req") << 1;
    QTest::newRow("ext-plugin-post-resp") << 2;
}

void TestRouteEditor::confAddButtonOnEachPlugin()
{
    // The crash of issue 10: Routes -> Add -> tick a plugin -> the conf table's Add.
    ConfigStore store;
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    panel.resize(1200, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    UiDriver::button(&panel, "Add")->click();
    RouteEditor *editor = panel.editor();
    QVERIFY(editor->isEnabled());
    QFETCH(int, phase);
    ConfEditor *conf = editor->form()->confEditor(phase);
    conf->ensurePolished();
    UiDriver::clickGroupBoxCheck(conf);
    QVERIFY(conf->isChecked());
    QPushButton *add = UiDriver::button<QPushButton>(conf, "Add");
    QVERIFY(add && add->isEnabled());
    QTest::mouseClick(add, Qt::LeftButton);
    QTest::mouseClick(add, Qt::LeftButton);
    QCOMPARE(conf->table()->rowCount(), 2);
    const QString name = QString::fromLatin1(QTest::currentDataTag());
    const QJsonArray entries = editorJson(*editor).value("plugins").toObject().value(name).toObject().value("conf").toArray();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries[0].toObject().value("name").toString(), PluginCatalogue::demoRunner().names().value(0));
    QVERIFY(entries[0].toObject().contains("value"));
    // Remove, Up, Down and Edit value… on the new rows, as a user would next.
    QTest::mouseClick(UiDriver::button<QPushButton>(conf, "Up"), Qt::LeftButton);
    QTest::mouseClick(UiDriver::button<QPushButton>(conf, "Down"), Qt::LeftButton);
    UiDriver::DialogAnswer cancel(QMessageBox::Cancel);
    QTest::mouseClick(UiDriver::button<QPushButton>(conf, "Edit value…"), Qt::LeftButton);
    QVERIFY(cancel.answered());
    QTest::mouseClick(UiDriver::button<QPushButton>(conf, "Remove"), Qt::LeftButton);
    QCOMPARE(conf->table()->rowCount(), 1);
    QVERIFY(editor->isModified()); // and nothing was lost
}

// The Upstreams tab has a form (issue 16): each field reaches the JSON, what it does not show passes
// through, opening one changes nothing, and JSON edits come back into the form.
void TestRouteEditor::upstreamForm()
{
    ConfigStore store;
    const QJsonObject stored{{"name", "shop"}, {"nodes", QJsonObject{{"127.0.0.1:1980", 1}}}, {"checks", QJsonObject{{"active", QJsonObject{{"http_path", "/ok"}}}}},
                             {"retry_timeout", 0}};
    QCOMPARE(store.put(ResourceKind::Upstream, "u1", stored).status, 201);
    {
        RoutesPanel panel(ResourceKind::Upstream, &store, PluginCatalogue::demoRunner());
        panel.show();
        panel.select("u1");
        QCOMPARE(panel.editor()->id(), QStringLiteral("u1"));
        QVERIFY2(!panel.editor()->isModified(), panel.editor()->jsonEditor()->textUtf8().constData());
    }
    RouteEditor editor(&store, PluginCatalogue::demoRunner());
    editor.show();
    editor.open(ResourceKind::Upstream, "u1");
    QVERIFY(!editor.isModified());
    UpstreamForm *form = editor.upstreamForm();
    QVERIFY(form->isVisibleTo(&editor));
    QVERIFY(!editor.form()->isVisibleTo(&editor));
    const QJsonObject before = editorJson(editor);
    QCOMPARE(before.value("checks"), stored.value("checks"));
    QCOMPARE(form->findChild<QLineEdit *>("upstreamName")->text(), QStringLiteral("shop"));
    QCOMPARE(form->nodesTable()->rowCount(), 1);
    QVERIFY(!form->findChild<QComboBox *>("hashOn")->isEnabled()); // only for chash

    auto *type = form->findChild<QComboBox *>("type");
    type->setCurrentText("chash");
    QVERIFY(form->findChild<QComboBox *>("hashOn")->isEnabled());
    form->findChild<QComboBox *>("hashOn")->setCurrentText("header");
    QTest::keyClicks(form->findChild<QLineEdit *>("key"), "X-User");
    form->findChild<QComboBox *>("scheme")->setCurrentText("https");
    form->findChild<QComboBox *>("passHost")->setCurrentText("rewrite");
    QTest::keyClicks(form->findChild<QLineEdit *>("upstreamHost"), "shop.internal");
    form->findChild<QSpinBox *>("retries")->setValue(2);
    form->findChild<QSpinBox *>("poolSize")->setValue(64);
    QTest::mouseClick(UiDriver::button<QPushButton>(form, "Add node"), Qt::LeftButton);
    QVERIFY(editor.isModified());
    QJsonObject o = editorJson(editor);
    QCOMPARE(o.value("type").toString(), QStringLiteral("chash"));
    QCOMPARE(o.value("hash_on").toString(), QStringLiteral("header"));
    QCOMPARE(o.value("key").toString(), QStringLiteral("X-User"));
    QCOMPARE(o.value("scheme").toString(), QStringLiteral("https"));
    QCOMPARE(o.value("pass_host").toString(), QStringLiteral("rewrite"));
    QCOMPARE(o.value("upstream_host").toString(), QStringLiteral("shop.internal"));
    QCOMPARE(o.value("retries").toInt(), 2);
    QCOMPARE(o.value("retry_timeout"), QJsonValue(0)); // it was there: kept, though 0 is the default
    QCOMPARE(o.value("keepalive_pool").toObject(), (QJsonObject{{"size", 64}})); // the other two stay APISIX's defaults
    QCOMPARE(o.value("checks"), stored.value("checks"));
    QCOMPARE(o.value("nodes").toObject().size(), 1); // the added row is the same node: a JSON object key once
    QVERIFY(!o.contains("timeout"));
    QVERIFY(editor.apply());
    QCOMPARE(store.snapshot()->upstreams.value("u1").value.value("hash_on").toString(), QStringLiteral("header"));

    // Typed in the JSON face, seen in the form.
    editor.findChild<QTabWidget *>()->setCurrentWidget(editor.jsonEditor());
    o.insert("type", "least_conn");
    o.insert("retries", 0);
    editor.jsonEditor()->setText(QString::fromUtf8(QJsonDocument(o).toJson()));
    editor.checkNow();
    QCOMPARE(type->currentText(), QStringLiteral("least_conn"));
    QCOMPARE(form->findChild<QSpinBox *>("retries")->value(), 0);
    QVERIFY(!form->findChild<QLineEdit *>("key")->isEnabled());
    // A route's inline upstream has the same form, without a name of its own.
    editor.open(ResourceKind::Route, "r1", QJsonObject{{"uri", "/a"}, {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1", 1}}}}}});
    QTabWidget *faces = editor.findChild<QTabWidget *>();
    QVERIFY(faces->isTabVisible(faces->indexOf(editor.form())));
    QCOMPARE(faces->currentWidget(), editor.jsonEditor()); // the face the user chose stays
    int shownForms = 0;
    for (int i = 0; i < faces->count(); ++i)
        shownForms += faces->isTabVisible(i) && faces->tabText(i) == "Form";
    QCOMPARE(shownForms, 1);
    faces->setCurrentWidget(editor.form());
    UpstreamForm *inRoute = editor.form()->upstreamForm();
    QVERIFY(!inRoute->findChild<QLineEdit *>("upstreamName"));
    inRoute->findChild<QComboBox *>("type")->setCurrentText("ewma");
    QCOMPARE(editorJson(editor).value("upstream").toObject().value("type").toString(), QStringLiteral("ewma"));
}

void TestRouteEditor::addNodeButton()
{
    ConfigStore store;
    RouteEditor editor(&store, PluginCatalogue::demoRunner());
    editor.show();
    editor.open(ResourceKind::Route, "1", QJsonObject{{"uri", "/a"}, {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1", 1}}}}}});
    QTest::mouseClick(UiDriver::button<QPushButton>(&editor, "Add node"), Qt::LeftButton);
    QCOMPARE(editor.form()->nodesTable()->rowCount(), 2);
    QCOMPARE(editorJson(editor).value("upstream").toObject().value("nodes").toObject().value("127.0.0.1:1980").toInt(), 1);
    QTest::mouseClick(UiDriver::button<QPushButton>(&editor, "Remove node"), Qt::LeftButton);
    QCOMPARE(editor.form()->nodesTable()->rowCount(), 1);
    QVERIFY(!editorJson(editor).value("upstream").toObject().value("nodes").toObject().contains("127.0.0.1:1980"));
}

void TestRouteEditor::buttonsFollowTheState()
{
    ConfigStore store;
    QCOMPARE(putRoute(store, "1"), 201);
    RouteEditor editor(&store, PluginCatalogue::demoRunner());
    QVERIFY(!editor.applyButton()->isEnabled()); // nothing open
    editor.open(ResourceKind::Route, "1");
    QVERIFY(!editor.applyButton()->isEnabled());
    QVERIFY(!editor.revertButton()->isEnabled());
    QVERIFY(!editor.undoButton()->isEnabled());
    QVERIFY(!editor.redoButton()->isEnabled());
    editor.show();
    QLineEdit *name = editor.form()->findChild<QLineEdit *>("name");
    QTest::keyClicks(name, "shop");
    QVERIFY(editor.isModified());
    editor.checkNow();
    QVERIFY(editor.applyButton()->isEnabled());
    QVERIFY(editor.revertButton()->isEnabled());
    QVERIFY(editor.undoButton()->isEnabled());
    editor.undoButton()->click();
    QVERIFY(editor.redoButton()->isEnabled());
    QTest::keyClicks(name, "again"); // a new edit after Undo: nothing left to redo
    QVERIFY(!editor.redoButton()->isEnabled());
    QVERIFY(editor.undoButton()->isEnabled());
    editor.revertButton()->click();
    QVERIFY(!editor.isModified());
    QVERIFY(!editor.applyButton()->isEnabled());
    QVERIFY(!editor.undoButton()->isEnabled()); // Undo does not reach into the text before the revert
    QVERIFY(!editorJson(editor).contains("name"));
}

void TestRouteEditor::newRouteIdIsChosenAndValidated()
{
    ConfigStore store;
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    panel.show();
    RouteEditor *editor = panel.editor();
    UiDriver::button(&panel, "Add")->click();
    QCOMPARE(editor->id(), QStringLiteral("1")); // as in the APISIX docs
    QVERIFY(!editor->idEdit()->isReadOnly());
    // An id APISIX refuses is an error where the user looks, and blocks Apply.
    editor->idEdit()->selectAll();
    QTest::keyClicks(editor->idEdit(), "my route");
    editor->checkNow();
    QVERIFY(!editor->applyButton()->isEnabled());
    QVERIFY2(editor->problemList()->item(0)->text().contains("property \"id\" validation failed"), qPrintable(editor->problemList()->item(0)->text()));
    // Typing an "id" in the JSON face chooses it too.
    QJsonObject o = editorJson(*editor);
    o.insert("id", "7");
    editor->jsonEditor()->setText(QString::fromUtf8(QJsonDocument(o).toJson()));
    editor->checkNow();
    QCOMPARE(editor->id(), QStringLiteral("7"));
    QCOMPARE(editor->idEdit()->text(), QStringLiteral("7"));
    QVERIFY(editor->applyButton()->isEnabled());
    QVERIFY(editor->apply());
    QVERIFY(store.snapshot()->routes.contains("7"));
    QVERIFY(editor->idEdit()->isReadOnly());
    // The next one follows the highest integer id; an id in use is refused, not overwritten.
    UiDriver::button(&panel, "Add")->click();
    QCOMPARE(editor->id(), QStringLiteral("8"));
    editor->idEdit()->selectAll();
    QTest::keyClicks(editor->idEdit(), "7");
    editor->checkNow();
    QVERIFY(!editor->applyButton()->isEnabled());
    QVERIFY(editor->problemList()->item(0)->text().contains("route 7 exists already"));
}

// A problem longer than the list is wide reads whole: it wraps, nothing is elided.
void TestRouteEditor::longProblemsWrap()
{
    ConfigStore store;
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    panel.resize(420, 600);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    RouteEditor *editor = panel.editor();
    UiDriver::button(&panel, "Add")->click();
    editor->idEdit()->selectAll();
    QTest::keyClicks(editor->idEdit(), "my route with spaces");
    editor->checkNow();
    QListWidget *list = editor->problemList();
    QListWidgetItem *item = list->item(0);
    QVERIFY(item);
    QVERIFY2(list->fontMetrics().horizontalAdvance(item->text()) > list->viewport()->width(), qPrintable(item->text()));
    QTRY_VERIFY2(list->visualItemRect(item).height() >= 2 * list->fontMetrics().height(),
                 qPrintable(QString::number(list->visualItemRect(item).height())));
    QCOMPARE(list->textElideMode(), Qt::ElideNone);
}

void TestRouteEditor::jsonIdOfAnExistingRouteIsAProblem()
{
    ConfigStore store;
    QCOMPARE(putRoute(store, "1"), 201);
    RouteEditor editor(&store, PluginCatalogue::demoRunner());
    editor.open(ResourceKind::Route, "1");
    QJsonObject o = editorJson(editor);
    o.insert("id", "2");
    editor.jsonEditor()->setText(QString::fromUtf8(QJsonDocument(o).toJson()));
    editor.checkNow();
    QVERIFY(editor.problemList()->item(0)->text().contains("wrong route id"));
    QVERIFY(!editor.applyButton()->isEnabled());
    QVERIFY(!editor.apply());
    QCOMPARE(editor.id(), QStringLiteral("1"));
}

void TestRouteEditor::switchingRoutesAsksAboutEdits()
{
    ConfigStore store;
    for (const char *id : {"1", "2"})
        QCOMPARE(putRoute(store, id), 201);
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    RouteEditor *editor = panelEditorWithRoutes(panel);
    QTRY_COMPARE(panel.table()->model()->rowCount(), 2);
    panel.select("1");
    QCOMPARE(editor->id(), QStringLiteral("1"));
    QTest::keyClicks(editor->form()->findChild<QLineEdit *>("name"), "edited");
    QVERIFY(editor->isModified());
    {
        UiDriver::DialogAnswer cancel(QMessageBox::Cancel);
        panel.select("2");
        QVERIFY(cancel.answered());
    }
    QCOMPARE(editor->id(), QStringLiteral("1")); // edits kept
    QVERIFY(editor->isModified());
    QTRY_COMPARE(panel.table()->currentIndex().data().toString(), QStringLiteral("1"));
    {
        UiDriver::DialogAnswer save(QMessageBox::Save);
        panel.select("2");
        QVERIFY(save.answered());
    }
    QCOMPARE(store.snapshot()->routes.value("1").value.value("name").toString(), QStringLiteral("edited"));
    QCOMPARE(editor->id(), QStringLiteral("2"));
    QTest::keyClicks(editor->form()->findChild<QLineEdit *>("name"), "dropped");
    {
        UiDriver::DialogAnswer discard(QMessageBox::Discard);
        UiDriver::button(&panel, "Add")->click(); // a new one would replace the edits too
        QVERIFY(discard.answered());
    }
    QVERIFY(!store.snapshot()->routes.value("2").value.contains("name"));
    QCOMPARE(editor->id(), QStringLiteral("3"));
}

void TestRouteEditor::selectionSurvivesChanges()
{
    ConfigStore store;
    for (const char *id : {"1", "2"})
        QCOMPARE(putRoute(store, id), 201);
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    RouteEditor *editor = panelEditorWithRoutes(panel);
    QTRY_COMPARE(panel.table()->model()->rowCount(), 2);
    panel.select("2");
    QTest::keyClicks(editor->form()->findChild<QLineEdit *>("name"), "x");
    QVERIFY(editor->apply());
    QCOMPARE(putRoute(store, "3"), 201);
    QTRY_COMPARE(panel.table()->model()->rowCount(), 3);
    QCOMPARE(panel.table()->currentIndex().siblingAtColumn(0).data().toString(), QStringLiteral("2"));
    QVERIFY(panel.table()->selectionModel()->isRowSelected(panel.table()->currentIndex().row()));
}

void TestRouteEditor::enableDisableIsShownAndQuiet()
{
    ConfigStore store;
    QCOMPARE(putRoute(store, "1"), 201);
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    panelEditorWithRoutes(panel);
    QTRY_COMPARE(panel.table()->model()->rowCount(), 1);
    panel.select("1");
    QStringList messages;
    connect(&panel, &RoutesPanel::message, this, [&messages](const QString &m) { messages << m; });
    UiDriver::button(&panel, "Enable/Disable")->click();
    QCOMPARE(store.snapshot()->routes.value("1").value.value("status").toInt(), 0);
    QTRY_COMPARE(panel.table()->model()->index(0, RoutesModel::Enabled).data().toString(), QStringLiteral("no"));
    QVERIFY(panel.table()->model()->index(0, RoutesModel::Id).data(Qt::FontRole).value<QFont>().italic());
    QCoreApplication::processEvents(); // the store's queued change notice reaches the editor
    QCOMPARE(messages, QStringList{"Route 1 disabled"});
    QVERIFY(!panel.editor()->isModified());
    QCOMPARE(editorJson(*panel.editor()).value("status").toInt(), 0);
}

void TestRouteEditor::formRoundTrip_data()
{
    QTest::addColumn<QByteArray>("route");
    QTest::newRow("minimal") << QByteArray(R"({"uri":"/a","upstream_id":"u"})");
    QTest::newRow("uris and hosts") << QByteArray(R"({"uris":["/a","/b/*"],"hosts":["a.com","*.b.org"],"upstream_id":"u"})");
    QTest::newRow("single host") << QByteArray(R"({"uri":"/a","host":"x.com","upstream_id":"u"})");
    QTest::newRow("methods priority status") << QByteArray(R"({"uri":"/a","methods":["GET","POST"],"priority":7,"status":0,"upstream_id":"u"})");
    QTest::newRow("numeric upstream id") << QByteArray(R"({"uri":"/a","upstream_id":12})");
    QTest::newRow("inline upstream") << QByteArray(R"({"uri":"/a","upstream":{"type":"roundrobin","nodes":{"127.0.0.1:1980":1,"127.0.0.1:1981":3},"pass_host":"rewrite","upstream_host":"h.example","timeout":{"connect":1,"send":2.5,"read":3}}})");
    QTest::newRow("array nodes") << QByteArray(R"({"uri":"/a","upstream":{"nodes":[{"host":"127.0.0.1","port":80,"weight":2}],"retries":1}})");
    QTest::newRow("ext plugins") << QByteArray(R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-pre-req":{"conf":[{"name":"b","value":"{}"},{"name":"a","value":"x"}]},"ext-plugin-post-resp":{"allow_degradation":false},"limit-count":{"count":1,"time_window":60}}})");
    QTest::newRow("ext plugins' _meta") << QByteArray(R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-pre-req":{"_meta":{"disable":false,"filter":[["arg_a","==","1"]],"error_response":{"m":"no"},"priority":5}},"ext-plugin-post-req":{"_meta":{"error_response":"no","filter":"not json"}},"ext-plugin-post-resp":{"_meta":{"disable":"yes","error_response":7}}}})");
    QTest::newRow("unknown fields kept") << QByteArray(R"({"uri":"/a","upstream_id":"u","labels":{"team":"x","env":"dev"},"desc":"d","vars":[["arg_a","==","1"]]})");
    QTest::newRow("empty labels") << QByteArray(R"({"uri":"/a","upstream_id":"u","labels":{}})");
    QTest::newRow("empty plugins") << QByteArray(R"({"uri":"/a","upstream_id":"u","plugins":{}})");
    QTest::newRow("service and plugin config") << QByteArray(R"({"uri":"/a","service_id":3,"plugin_config_id":"pc"})");
    QTest::newRow("client addresses") << QByteArray(R"({"uri":"/a","upstream_id":"u","remote_addrs":["127.0.0.1","10.0.0.0/8"]})");
    QTest::newRow("one client address") << QByteArray(R"({"uri":"/a","upstream_id":"u","remote_addr":"127.0.0.1"})");
}

void TestRouteEditor::formRoundTrip()
{
    QFETCH(QByteArray, route);
    const QJsonObject o = QJsonDocument::fromJson(route).object();
    QVERIFY(!o.isEmpty());
    RouteForm form(PluginCatalogue::demoRunner());
    form.setRoute(o);
    QCOMPARE(form.toJson(o), o);
}

void TestRouteEditor::formEditsReachJson()
{
    ConfigStore store;
    RouteEditor editor(&store, PluginCatalogue::demoRunner());
    editor.open(ResourceKind::Route, "r1", QJsonObject{{"uri", "/a"}, {"upstream_id", "u"}});
    ConfEditor *post = editor.form()->confEditor(2);
    post->setChecked(true); // the user ticks ext-plugin-post-resp
    QVERIFY(editor.jsonEditor()->text().contains("\"ext-plugin-post-resp\": {"));
    editor.jsonEditor()->undo(); // and takes it back with Undo
    QVERIFY(!editor.jsonEditor()->text().contains("ext-plugin-post-resp"));
}

// The fields issue 13 added, typed into the form as a user does: they reach the JSON face and the checks.
void TestRouteEditor::formCoversServicePluginConfigAndVars()
{
    ConfigStore store;
    QCOMPARE(store.put(ResourceKind::Upstream, "u", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1980", 1}}}}).status, 201);
    QCOMPARE(store.put(ResourceKind::Service, "s", QJsonObject{{"upstream_id", "u"}}).status, 201);
    RouteEditor editor(&store, PluginCatalogue::demoRunner());
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.open(ResourceKind::Route, "r1", QJsonObject{{"uri", "/a"}});
    RouteForm *form = editor.form();
    QTest::keyClicks(form->findChild<QLineEdit *>("serviceId"), "s");
    QTest::keyClicks(form->findChild<QLineEdit *>("desc"), "checkout");
    QTest::keyClicks(form->findChild<QLineEdit *>("remoteAddrs"), "127.0.0.1, 10.0.0.0/8");
    QTest::keyClicks(form->findChild<QLineEdit *>("vars"), R"([["arg_v", "==", "2"]])");
    editor.checkNow();
    const QJsonObject json = QJsonDocument::fromJson(editor.jsonEditor()->text().toUtf8()).object();
    QCOMPARE(json.value("service_id").toString(), QStringLiteral("s"));
    QCOMPARE(json.value("desc").toString(), QStringLiteral("checkout"));
    QCOMPARE(json.value("remote_addrs").toArray(), (QJsonArray{"127.0.0.1", "10.0.0.0/8"}));
    QCOMPARE(json.value("vars").toArray(), (QJsonArray{QJsonArray{"arg_v", "==", "2"}}));
    QVERIFY2(!hasErrors(editor.problems()), qPrintable(firstErrorMessage(editor.problems())));
    // enable_websocket and filter_func: in the form, kept, and said to be not run here.
    QVERIFY(!json.contains("enable_websocket") && !json.contains("filter_func"));
    QTest::mouseClick(form->findChild<QCheckBox *>("websocket"), Qt::LeftButton, {}, QPoint(8, 8));
    QTest::keyClicks(form->findChild<QLineEdit *>("filterFunc"), "function(vars) return true end");
    editor.checkNow();
    const QJsonObject kept = QJsonDocument::fromJson(editor.jsonEditor()->text().toUtf8()).object();
    QCOMPARE(kept.value("enable_websocket"), QJsonValue(true));
    QCOMPARE(kept.value("filter_func").toString(), QStringLiteral("function(vars) return true end"));
    QVERIFY2(!hasErrors(editor.problems()), qPrintable(firstErrorMessage(editor.problems())));
    bool saidNotRun = false;
    for (const Problem &p : editor.problems())
        saidNotRun = saidNotRun || (p.pointer == "/filter_func" && p.message.contains("not run by RouteScope"));
    QVERIFY(saidNotRun);
    // The route's timeout and script (issue 16: the form covers every field of the JSON face).
    QTest::keyClicks(form->findChild<QLineEdit *>("timeout"), "3, 4, 5.5");
    QTest::keyClicks(form->findChild<QLineEdit *>("script"), "local _M = {} return _M");
    editor.checkNow();
    const QJsonObject timed = QJsonDocument::fromJson(editor.jsonEditor()->text().toUtf8()).object();
    QCOMPARE(timed.value("timeout").toObject(), (QJsonObject{{"connect", 3}, {"send", 4}, {"read", 5.5}}));
    QCOMPARE(timed.value("script").toString(), QStringLiteral("local _M = {} return _M"));
    QVERIFY2(!hasErrors(editor.problems()), qPrintable(firstErrorMessage(editor.problems())));
    editor.open(ResourceKind::Route, "r1", timed); // and back into the form as it was typed
    QCOMPARE(form->findChild<QLineEdit *>("timeout")->text(), QStringLiteral("3, 4, 5.5"));
    QCOMPARE(form->findChild<QLineEdit *>("script")->text(), QStringLiteral("local _M = {} return _M"));
    QTest::keyClick(form->findChild<QLineEdit *>("timeout"), Qt::Key_End);
    QTest::keyClicks(form->findChild<QLineEdit *>("timeout"), ", 1"); // four numbers: kept as text, and an error
    editor.checkNow();
    QVERIFY2(firstErrorMessage(editor.problems()).contains("property \"timeout\" validation failed"), qPrintable(firstErrorMessage(editor.problems())));
    form->findChild<QLineEdit *>("timeout")->clear();
    QTest::keyClicks(form->findChild<QLineEdit *>("timeout"), " ");
    editor.checkNow();
    QVERIFY(!QJsonDocument::fromJson(editor.jsonEditor()->text().toUtf8()).object().contains("timeout"));
    // A plugin config that is not there, and vars that are not an expression, are the store's errors.
    QTest::keyClicks(form->findChild<QLineEdit *>("pluginConfigId"), "nope");
    editor.checkNow();
    // (first: APISIX's route schema forbids a script beside a plugin config; the hint says so)
    QCOMPARE(firstErrorMessage(editor.problems()), QStringLiteral("invalid configuration: value wasn't supposed to match schema"));
    const auto firstError = std::find_if(editor.problems().cbegin(), editor.problems().cend(), [](const Problem &p) { return p.isError(); });
    QVERIFY(firstError->shown().contains("a route with a \"script\" has no \"plugins\" or \"plugin_config_id\""));
    QTest::keyClick(form->findChild<QLineEdit *>("script"), Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(form->findChild<QLineEdit *>("script"), Qt::Key_Delete);
    editor.checkNow();
    QVERIFY(!QJsonDocument::fromJson(editor.jsonEditor()->text().toUtf8()).object().contains("script"));
    QVERIFY2(firstErrorMessage(editor.problems()).contains("failed to fetch plugin config info by plugin config id [nope]"),
             qPrintable(firstErrorMessage(editor.problems())));
    form->findChild<QLineEdit *>("pluginConfigId")->clear();
    QTest::keyClicks(form->findChild<QLineEdit *>("pluginConfigId"), " "); // an edit: the form is read again
    QTest::keyClick(form->findChild<QLineEdit *>("vars"), Qt::Key_End);
    QTest::keyClicks(form->findChild<QLineEdit *>("vars"), ",");
    editor.checkNow();
    QVERIFY2(hasErrors(editor.problems()), "vars that are not JSON are an error, not dropped");
    QVERIFY(editor.jsonEditor()->text().contains("\"vars\": \"[[\\\"arg_v\\\""));
    QVERIFY(!editor.applyButton()->isEnabled());
}

// Issue 16: under a dark palette the JSON editor was white with dark-red strings.
void TestRouteEditor::jsonEditorFollowsThePalette()
{
    JsonEditor editor;
    QPalette dark;
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xdd, 0xdd, 0xdd));
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    editor.setPalette(dark);
    QsciLexer *lexer = editor.lexer();
    QCOMPARE(lexer->paper(QsciLexerJSON::Default), QColor(0x1e, 0x1e, 0x1e));
    QCOMPARE(lexer->color(QsciLexerJSON::Default), QColor(0xdd, 0xdd, 0xdd));
    for (int style : {int(QsciLexerJSON::String), int(QsciLexerJSON::Property), int(QsciLexerJSON::Number), int(QsciLexerJSON::Keyword)})
        QVERIFY2(lexer->color(style).lightness() > 128, qPrintable(QString::number(style))); // light text on the dark base
    QPalette light;
    light.setColor(QPalette::Base, Qt::white);
    light.setColor(QPalette::Text, Qt::black);
    editor.setPalette(light);
    QCOMPARE(lexer->paper(QsciLexerJSON::String), QColor(Qt::white));
    QVERIFY(lexer->color(QsciLexerJSON::String).lightness() < 128);
}

void TestRouteEditor::brokenConfValueIsMarkedOnItsLine()
{
    ConfigStore store;
    RouteEditor editor(&store, PluginCatalogue::demoRunner());
    editor.show();
    editor.open(ResourceKind::Route, "r1",
                QJsonDocument::fromJson(R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":1}},"plugins":{"ext-plugin-post-resp":{"conf":[{"name":"status","value":"{\"code\":201}"}]}}})").object());
    editor.checkNow();
    QCOMPARE(editor.problems().size(), 0);
    QVERIFY(editor.applyButton()->isEnabled());
    // The user types inside the value: "code" becomes a string, which the catalogue schema refuses.
    JsonEditor *json = editor.jsonEditor();
    const QString text = json->text();
    const int line = int(text.left(text.indexOf("\\\"code\\\"")).count(QLatin1Char('\n')));
    int index = json->text(line).indexOf("201");
    json->setCursorPosition(line, index);
    QTest::keyClicks(json, "\\\"");
    json->setCursorPosition(line, index + 5);
    QTest::keyClicks(json, "\\\"");
    QTRY_VERIFY(!editor.problems().isEmpty());
    QVERIFY2(editor.problems().first().message.contains("value of \"status\" at /code"), qPrintable(editor.problems().first().message));
    QCOMPARE(json->markedLines(), QList<int>{line});
    // The mark is on the offending part inside the escaped value, not the whole value.
    const int indicatorStart = int(json->SendScintilla(QsciScintillaBase::SCI_INDICATOREND, 8, 0L));
    const int valueStart = int(json->positionFromLineIndex(line, json->text(line).indexOf("\\\"201")));
    QCOMPARE(indicatorStart, valueStart);
    QVERIFY(!editor.applyButton()->isEnabled()); // errors block Apply
    QVERIFY(editor.problemList()->item(0)->text().contains(QStringLiteral("line %1").arg(line + 1)));
    // Clicking the problem puts the cursor on it.
    json->setCursorPosition(0, 0);
    editor.problemList()->itemActivated(editor.problemList()->item(0));
    int cursorLine = -1, cursorIndex = -1;
    json->getCursorPosition(&cursorLine, &cursorIndex);
    QCOMPARE(cursorLine, line);
}

void TestRouteEditor::servicesPluginConfigsAndGlobalRulesFromThePanels()
{
    ConfigStore store;
    QCOMPARE(store.put(ResourceKind::GlobalRule, "1", QJsonDocument::fromJson(R"({"plugins":{"prometheus":{}}})").object()).status, 201);
    for (ResourceKind kind : {ResourceKind::Service, ResourceKind::PluginConfig, ResourceKind::GlobalRule}) {
        RoutesPanel panel(kind, &store, PluginCatalogue::demoRunner());
        panel.resize(1200, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        // Add puts the smallest valid one in the editor; Apply stores it.
        UiDriver::button(&panel, "Add")->click();
        RouteEditor *editor = panel.editor();
        QVERIFY(editor->isEnabled());
        QVERIFY2(!hasErrors(editor->problems()), qPrintable(firstErrorMessage(editor->problems())));
        const qsizetype before = store.snapshot()->of(kind).size();
        QTest::mouseClick(editor->applyButton(), Qt::LeftButton);
        QTRY_COMPARE(store.snapshot()->of(kind).size(), before + 1);
        QTRY_COMPARE(panel.table()->model()->rowCount(), int(before + 1));
    }
    // The editor says what APISIX's Admin API would: a plugin in a second global rule.
    RoutesPanel rules(ResourceKind::GlobalRule, &store, PluginCatalogue::demoRunner());
    rules.show();
    QVERIFY(QTest::qWaitForWindowExposed(&rules));
    UiDriver::button(&rules, "Add")->click();
    rules.editor()->jsonEditor()->setText(R"({"plugins":{"prometheus":{}}})");
    QTRY_VERIFY(hasErrors(rules.editor()->problems()));
    QCOMPARE(firstErrorMessage(rules.editor()->problems()), QStringLiteral("plugin 'prometheus' already exists in global rule with id '1'"));
    QVERIFY(!rules.editor()->applyButton()->isEnabled());
    // A route naming the new service is accepted by the route editor; a missing one is refused.
    const QString serviceId = store.snapshot()->services.firstKey();
    RouteEditor routeEditor(&store, PluginCatalogue::demoRunner());
    routeEditor.open(ResourceKind::Route, "r", QJsonObject{{"uri", "/s"}, {"service_id", serviceId}});
    QTRY_VERIFY(!hasErrors(routeEditor.problems()));
    routeEditor.jsonEditor()->setText(R"({"uri":"/s","service_id":"nope"})");
    QTRY_VERIFY(hasErrors(routeEditor.problems()));
    QCOMPARE(firstErrorMessage(routeEditor.problems()), QStringLiteral("failed to fetch service info by service id [nope], response code: 404"));
}

void TestRouteEditor::parseErrorIsMarked()
{
    ConfigStore store;
    RouteEditor editor(&store, PluginCatalogue::demoRunner());
    editor.open(ResourceKind::Route, "r1", QJsonObject{{"uri", "/a"}, {"upstream_id", "u"}});
    editor.jsonEditor()->setText("{\n  \"uri\": \"/a\",\n  \"upstream_id\": \n}\n");
    editor.checkNow();
    QVERIFY(editor.problemList()->item(0)->text().startsWith("error  line 4"));
    QCOMPARE(editor.jsonEditor()->markedLines(), QList<int>{3});
    QVERIFY(!editor.form()->isEnabled()); // the form waits for valid JSON
}

void TestRouteEditor::applyChangesLiveTraffic()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    RouteEditor editor(&engine.store(), PluginCatalogue::demoRunner());
    editor.open(ResourceKind::Route, "e1", QJsonDocument::fromJson("{\"uri\":\"/edited\",\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}").object());
    QVERIFY(editor.isModified());
    QVERIFY(editor.apply());
    QVERIFY(!editor.isModified());
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/edited").status, 200);
    QCOMPARE(engine.admin("GET", "/apisix/admin/routes/e1").status, 200); // the Admin API sees it too
}

void TestRouteEditor::adminApiChangeReloadsTheEditor()
{
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", R"({"uri":"/before","upstream":{"nodes":{"127.0.0.1:1":1}}})"), 201);
    RouteEditor editor(&engine.store(), PluginCatalogue::demoRunner());
    editor.open(ResourceKind::Route, "1");
    QVERIFY(editor.jsonEditor()->text().contains("/before"));
    QCOMPARE(engine.put("/apisix/admin/routes/1", R"({"uri":"/after","upstream":{"nodes":{"127.0.0.1:1":1}}})"), 200);
    QTRY_VERIFY(editor.jsonEditor()->text().contains("/after"));
    QVERIFY(!editor.isModified());
}

void TestRouteEditor::deleteIsUndoable()
{
    ConfigStore store;
    QCOMPARE(store.put(ResourceKind::Route, "gone", QJsonObject{{"uri", "/g"}, {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1", 1}}}}}}).status, 201);
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    QTRY_COMPARE(panel.table()->model()->rowCount(), 1);
    panel.select("gone");
    const auto deleteButton = panel.findChildren<QPushButton *>();
    QPushButton *del = *std::find_if(deleteButton.begin(), deleteButton.end(), [](QPushButton *b) { return b->text() == "Delete"; });
    del->click();
    QVERIFY(!store.snapshot()->routes.contains("gone"));
    QVERIFY(panel.undoStack()->canUndo());
    panel.undoStack()->undo();
    QVERIFY(store.snapshot()->routes.contains("gone"));
    QCOMPARE(store.snapshot()->routes.value("gone").value.value("uri").toString(), QStringLiteral("/g"));
}

void TestRouteEditor::confTableReorders()
{
    ConfEditor conf("ext-plugin-post-resp", PluginCatalogue::demoRunner());
    conf.setPlugin(QJsonDocument::fromJson(R"({"conf":[{"name":"a","value":"1"},{"name":"b","value":"2"}]})").object());
    conf.table()->setCurrentCell(1, 0);
    const auto buttons = conf.findChildren<QPushButton *>();
    (*std::find_if(buttons.begin(), buttons.end(), [](QPushButton *b) { return b->text() == "Up"; }))->click();
    const QJsonObject out = conf.plugin().toObject();
    QCOMPARE(out.value("conf").toArray()[0].toObject().value("name").toString(), QStringLiteral("b")); // order = execution order
    QVERIFY(!out.contains("allow_degradation")); // no default added
}


// _meta's fields as a user fills them in: they reach the JSON, and the store's checks see a filter that
// is not JSON.
void TestRouteEditor::confMetaFields()
{
    ConfEditor conf("ext-plugin-pre-req", PluginCatalogue::demoRunner());
    conf.setPlugin(QJsonObject{});
    QSignalSpy edited(&conf, &ConfEditor::edited);
    QTest::mouseClick(conf.disabledBox(), Qt::LeftButton, {}, QPoint(4, conf.disabledBox()->height() / 2));
    QTest::keyClicks(conf.filterEdit(), R"([["arg_debug","==","1"]])");
    QTest::keyClicks(conf.errorResponseEdit(), "denied");
    QVERIFY(edited.count() >= 3);
    QCOMPARE(conf.plugin().toObject().value("_meta").toObject(),
             QJsonDocument::fromJson(R"({"disable":true,"filter":[["arg_debug","==","1"]],"error_response":"denied"})").object());
    QTest::mouseClick(conf.disabledBox(), Qt::LeftButton, {}, QPoint(4, conf.disabledBox()->height() / 2));
    conf.filterEdit()->clear();
    QTest::keyClicks(conf.filterEdit(), "arg_debug == 1");
    const QJsonObject plugins{{"ext-plugin-pre-req", conf.plugin()}};
    const Problems problems = Validator::validateRoute(QJsonObject{{"uri", "/a"}, {"plugins", plugins}}, {});
    QVERIFY(hasErrors(problems));
    QCOMPARE(problems.first().message, QStringLiteral("failed to check the configuration of plugin ext-plugin-pre-req err: property \"_meta\" validation failed: "
                                                      "property \"filter\" validation failed: wrong type: expected array, got string"));
}

void TestRouteEditor::afterAddTheSelectedRowOpensAgain()
{
    ConfigStore store;
    QCOMPARE(putRoute(store, "1"), 201);
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    panelEditorWithRoutes(panel);
    QTRY_COMPARE(panel.table()->model()->rowCount(), 1);
    panel.select("1");
    UiDriver::button(&panel, "Add")->click();
    QCOMPARE(panel.editor()->id(), QStringLiteral("2"));
    UiDriver::DialogAnswer discard(QMessageBox::Discard);
    panel.select("1"); // the row that was current before Add
    QVERIFY(discard.answered());
    QCOMPARE(panel.editor()->id(), QStringLiteral("1"));
}

void TestRouteEditor::discardingANewOneAsksOnce()
{
    ConfigStore store;
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    panelEditorWithRoutes(panel);
    UiDriver::button(&panel, "Add")->click();
    RouteEditor *editor = panel.editor();
    editor->idEdit()->selectAll();
    QTest::keyClicks(editor->idEdit(), "mine");
    QCOMPARE(editor->id(), QStringLiteral("mine"));
    editor->revertButton()->click(); // Revert on a new one: back to how it started, its id too
    QCOMPARE(editor->id(), QStringLiteral("1"));
    {
        UiDriver::DialogAnswer discard(QMessageBox::Discard);
        QVERIFY(editor->confirmLeave(&panel)); // e.g. Open workspace…
        QVERIFY(discard.answered());
    }
    QVERIFY(!editor->isModified());
    QVERIFY(!editor->isEnabled());
    QVERIFY(editor->confirmLeave(&panel)); // then the window closes: nothing more to ask
    QVERIFY(store.snapshot()->routes.isEmpty());
}

void TestRouteEditor::tenThousandRoutesWithoutStalls()
{
    // Issue 13: the route list opens, filters and follows a change with 10,000 routes without stalling the
    // window (each step timed as the user meets it: the call, then the repaint).
    ConfigStore store;
    QJsonObject routes;
    for (int i = 0; i < 10000; ++i)
        routes.insert(QStringLiteral("r%1").arg(i), QJsonObject{{"uri", QStringLiteral("/p%1/*").arg(i)}, {"name", QStringLiteral("route %1").arg(i)},
                                                                {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1980", 1}}}}}});
    QVERIFY(!hasErrors(store.load(ResourceObjects{routes})));
    QElapsedTimer clock;
    clock.start();
    RoutesPanel panel(ResourceKind::Route, &store, PluginCatalogue::demoRunner());
    panel.resize(1000, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCoreApplication::processEvents();
    const qint64 open = clock.restart();
    QTableView *table = nullptr; // the list (the editor has tables of its own)
    for (QTableView *t : panel.findChildren<QTableView *>())
        if (qobject_cast<QSortFilterProxyModel *>(t->model()))
            table = t;
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), 10000);
    qint64 worstKey = 0;
    for (const QChar c : QStringLiteral("p9999/")) { // typed one key at a time
        clock.restart();
        QTest::keyClick(panel.search(), c.toLatin1());
        table->viewport()->repaint();
        worstKey = qMax(worstKey, clock.elapsed());
    }
    QCOMPARE(table->model()->rowCount(), 1);
    panel.search()->clear();
    clock.restart();
    QCOMPARE(store.put(ResourceKind::Route, "new", QJsonObject{{"uri", "/new"}, {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1980", 1}}}}}}).status, 201);
    QTRY_COMPARE(table->model()->rowCount(), 10001);
    table->viewport()->repaint();
    const qint64 change = clock.elapsed();
    qInfo("10,000 routes: open %lld ms, worst key in the filter %lld ms, a change shown in %lld ms", open, worstKey, change);
    // The target is 50 ms (measured here: open 12-31, worst key 22-41, a change 15-17 ms); the test fails at four times that, so a
    // loaded CI machine does not fail it while a step that grows out of proportion (a sort, a rebuild per row) does.
    QVERIFY2(open < 200 && worstKey < 200 && change < 200, "a step stalled the window for 200 ms or more");
}

QTEST_MAIN(TestRouteEditor)
#include "tst_routeeditor.moc"
