#include "editorchecks.h"
#include "jsonlocator.h"

#include <QJsonDocument>
#include <QTest>

class TestEditorChecks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pointerToTextRange_data();
    void pointerToTextRange();
    void missingPointerFallsBackToAncestor();
    void parseErrorsHaveOffsets_data();
    void parseErrorsHaveOffsets();
    void innerValueRanges();
    void confChecks_data();
    void confChecks();
};

namespace {
const QByteArray kRoute = R"({
  "uri": "/a",
  "methods": ["GET", "POST"],
  "priority": -12.5e1,
  "plugins": {
    "ext-plugin-post-resp": {
      "conf": [
        {"name": "ext-plugin-A", "value": "{\"enable\":\"fea\\\"ture\"}"},
        {"name": "body", "value": "{}"}
      ],
      "allow_degradation": true
    }
  },
  "status": null
})";
}

void TestEditorChecks::pointerToTextRange_data()
{
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("root") << QString() << kRoute;
    QTest::newRow("string") << "/uri" << QByteArray("\"/a\"");
    QTest::newRow("array") << "/methods" << QByteArray("[\"GET\", \"POST\"]");
    QTest::newRow("array item") << "/methods/1" << QByteArray("\"POST\"");
    QTest::newRow("number") << "/priority" << QByteArray("-12.5e1");
    QTest::newRow("escaped quotes") << "/plugins/ext-plugin-post-resp/conf/0/value" << QByteArray(R"("{\"enable\":\"fea\\\"ture\"}")");
    QTest::newRow("nested name") << "/plugins/ext-plugin-post-resp/conf/1/name" << QByteArray("\"body\"");
    QTest::newRow("bool") << "/plugins/ext-plugin-post-resp/allow_degradation" << QByteArray("true");
    QTest::newRow("null") << "/status" << QByteArray("null");
}

void TestEditorChecks::pointerToTextRange()
{
    QFETCH(QString, pointer);
    QFETCH(QByteArray, text);
    const JsonLocator locator(kRoute);
    QVERIFY2(locator.isValid(), qPrintable(locator.errorText()));
    const TextRange r = locator.valueRange(pointer);
    QVERIFY(r.isValid());
    QCOMPARE(kRoute.mid(r.start, r.end - r.start), text);
}

void TestEditorChecks::missingPointerFallsBackToAncestor()
{
    const JsonLocator locator(kRoute);
    const TextRange conf = locator.valueRange("/plugins/ext-plugin-post-resp/conf/1");
    QCOMPARE(locator.valueRange("/plugins/ext-plugin-post-resp/conf/1/nope"), conf);
    QCOMPARE(kRoute.mid(locator.keyRange("/uri").start, 5), QByteArray("\"uri\""));
    QCOMPARE(lineColumn(kRoute, locator.valueRange("/plugins/ext-plugin-post-resp/conf/1/name").start), (std::pair<int, int>{9, 18}));
}

void TestEditorChecks::parseErrorsHaveOffsets_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::newRow("trailing comma") << QByteArray("{\n  \"a\": 1,\n}") << 3;
    QTest::newRow("missing colon") << QByteArray("{\n\n  \"a\" 1}") << 3;
    QTest::newRow("garbage after") << QByteArray("{}\n x") << 2;
    QTest::newRow("empty") << QByteArray("") << 1;
}

void TestEditorChecks::parseErrorsHaveOffsets()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    const JsonLocator locator(text);
    QVERIFY(!locator.isValid());
    QVERIFY(!locator.errorText().isEmpty());
    QCOMPARE(lineColumn(text, locator.errorOffset()).first, line);
}

void TestEditorChecks::innerValueRanges()
{
    const QByteArray text = R"({"value": "{\"code\": \"201\", \"list\": [1, {\"deep\": true}]}"})";
    const JsonLocator outer(text);
    QVERIFY(outer.isValid());
    const TextRange value = outer.valueRange("/value");
    auto at = [&](const char *pointer) {
        const TextRange r = innerValueRange(text, value, QString::fromLatin1(pointer));
        return r.isValid() ? text.mid(r.start, r.end - r.start) : QByteArray("(invalid)");
    };
    QCOMPARE(at("/code"), QByteArray(R"(\"201\")"));
    QCOMPARE(at("/list/1/deep"), QByteArray("true"));
    QCOMPARE(at("/list/0"), QByteArray("1"));
    QCOMPARE(innerValueRange(QByteArray(R"({"v": "not json"})"), JsonLocator(R"({"v": "not json"})").valueRange("/v"), "/x").isValid(), false);
}

void TestEditorChecks::confChecks_data()
{
    QTest::addColumn<QByteArray>("route");
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("error");
    auto row = [](const char *name, const char *plugin, const char *pointer, const char *message, bool error) {
        QTest::newRow(name) << QByteArray("{\"uri\":\"/a\",\"upstream_id\":\"u\",\"plugins\":{\"ext-plugin-post-resp\":") + plugin + "}}"
                            << QString::fromUtf8(pointer) << QString::fromUtf8(message) << error;
    };
    row("clean", R"({"conf":[{"name":"status","value":"{\"code\":201}"}]})", "", "", false);
    row("apisix error first", R"({"conf":[{"value":"x"}]})", "/plugins/ext-plugin-post-resp/conf/0",
        "failed to check the configuration of plugin ext-plugin-post-resp err: property \"conf\" validation failed: failed to validate item 1: property \"name\" is required", true);
    row("value not json", R"({"conf":[{"name":"noop","value":"{oops"}]})", "/plugins/ext-plugin-post-resp/conf/0/value",
        "the value is not valid JSON", false);
    row("duplicate name", R"({"conf":[{"name":"noop","value":""},{"name":"noop","value":""}]})", "/plugins/ext-plugin-post-resp/conf/1/name",
        "\"noop\" appears more than once in this conf", false);
    row("empty conf", R"({})", "/plugins/ext-plugin-post-resp", "no conf: PrepareConf is sent with an empty conf", false);
    row("unknown name", R"({"conf":[{"name":"mystery","value":""}]})", "/plugins/ext-plugin-post-resp/conf/0/name",
        "the runner is not known to serve \"mystery\"", false);
    row("schema violation", R"({"conf":[{"name":"status","value":"{\"code\":\"201\"}"}]})", "/plugins/ext-plugin-post-resp/conf/0/value",
        "value of \"status\" at /code: does not satisfy \"type\"", true);
    row("schema required", R"({"conf":[{"name":"status","value":"{}"}]})", "/plugins/ext-plugin-post-resp/conf/0/value",
        "value of \"status\" at /: does not satisfy \"required\"", true);
}

void TestEditorChecks::confChecks()
{
    QFETCH(QByteArray, route);
    QFETCH(QString, pointer);
    QFETCH(QString, message);
    QFETCH(bool, error);
    const QJsonObject o = QJsonDocument::fromJson(route).object();
    QVERIFY(!o.isEmpty());
    const Problems problems = EditorChecks::checkRoute(o, [](ResourceKind, const QString &id) { return id == "u"; }, PluginCatalogue::demoRunner());
    QCOMPARE(hasErrors(problems), error);
    if (message.isEmpty()) {
        QVERIFY2(problems.isEmpty(), qPrintable(problems.value(0).message));
        return;
    }
    const auto it = std::find_if(problems.begin(), problems.end(), [&](const Problem &p) { return p.message.startsWith(message); });
    QVERIFY2(it != problems.end(), qPrintable(problems.value(0).message));
    QCOMPARE(it->pointer, pointer);
}

QTEST_GUILESS_MAIN(TestEditorChecks)
#include "tst_editorchecks.moc"
