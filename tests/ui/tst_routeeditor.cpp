#include "confeditor.h"
#include "jsoneditor.h"
#include "plugincatalogue.h"
#include "routeeditor.h"
#include "routeform.h"
#include "routespanel.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QListWidget>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

class TestRouteEditor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void formRoundTrip_data();
    void formRoundTrip();
    void formEditsReachJson();
    void brokenConfValueIsMarkedOnItsLine();
    void parseErrorIsMarked();
    void applyChangesLiveTraffic();
    void adminApiChangeReloadsTheEditor();
    void deleteIsUndoable();
    void confTableReorders();
};

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
    QTest::newRow("ext plugins") << QByteArray(R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-pre-req":{"conf":[{"name":"b","value":"{}"},{"name":"a","value":"x"}]},"ext-plugin-post-resp":{"allow_degradation":false},"limit-count":{"count":1}}})");
    QTest::newRow("unknown fields kept") << QByteArray(R"({"uri":"/a","upstream_id":"u","labels":{"team":"x","env":"dev"},"desc":"d","vars":[["arg_a","==","1"]]})");
    QTest::newRow("empty labels") << QByteArray(R"({"uri":"/a","upstream_id":"u","labels":{}})");
    QTest::newRow("empty plugins") << QByteArray(R"({"uri":"/a","upstream_id":"u","plugins":{}})");
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

QTEST_MAIN(TestRouteEditor)
#include "tst_routeeditor.moc"
