#include "extplugin.h"

#include <QJsonArray>
#include <QTest>

class TestExtPluginSemantics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void queryArgs_data();
    void queryArgs();
    void respCallReplyMatrix();
    void stopHeaders();
    void reqCallCarriesUpstreamHost();
    void exclusionList();
    void pluginsFromRoute();
};

void TestExtPluginSemantics::queryArgs_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<TextPairs>("args");
    QTest::newRow("none") << QByteArray() << TextPairs{};
    QTest::newRow("repeats") << QByteArray("a=1&a=2") << TextPairs{{"a", "1"}, {"a", "2"}};
    QTest::newRow("absent vs empty") << QByteArray("k&e=") << TextPairs{{"k", std::nullopt}, {"e", ""}};
    QTest::newRow("decoded") << QByteArray("q=a%20b+c&%41=1") << TextPairs{{"q", "a b c"}, {"A", "1"}};
}

void TestExtPluginSemantics::queryArgs()
{
    QFETCH(QByteArray, query);
    QFETCH(TextPairs, args);
    QCOMPARE(parseQueryArgs(query), args);
    QCOMPARE(parseQueryArgs(buildQuery(args)), args); // rebuilding keeps the meaning
}

void TestExtPluginSemantics::respCallReplyMatrix()
{
    ClientAnswer upstream;
    upstream.status = 200;
    upstream.reason = "OK";
    upstream.headers.add("Content-Type", "application/json");
    upstream.headers.add("Set-Cookie", "a=1");
    upstream.headers.add("Set-Cookie", "b=2");
    upstream.headers.add("X-Up", "1");
    upstream.body = "{}";

    QStringList notes;
    Runner::HttpRespCallResp none;
    ClientAnswer a = applyRespCall(upstream, none, &notes);
    QCOMPARE(a.status, 200);
    QVERIFY(!a.headers.contains("content-type"));
    QCOMPARE(a.headers.values("set-cookie").size(), 2);
    QCOMPARE(a.body, QByteArray("{}"));
    QCOMPARE(notes.size(), 1);
    QVERIFY(notes.first().startsWith("Content-Type dropped"));

    notes.clear();
    Runner::HttpRespCallResp replace;
    replace.status = 418;
    replace.headers = {{"X-A", "1"}, {"x-a", "2"}, {"X-Gone", ""}, {"X-Absent", std::nullopt}};
    replace.body = "new";
    a = applyRespCall(upstream, replace, &notes);
    QCOMPARE(a.status, 418);
    QCOMPARE(a.headers.size(), 2); // only the runner's, repeats kept, empty/absent removed
    QCOMPARE(a.headers.values("x-a"), (QList<QByteArray>{"1", "2"}));
    QCOMPARE(a.body, QByteArray("new"));
    QVERIFY(notes.first().contains("replace every upstream header"));

    // A runner that echoes the upstream's framing back: not passed on, the sender frames what it sends.
    notes.clear();
    Runner::HttpRespCallResp echo;
    echo.headers = {{"Content-Length", "2"}, {"Transfer-Encoding", "chunked"}, {"Connection", "keep-alive"}, {"X-B", "1"}};
    echo.body = "longer than two";
    a = applyRespCall(upstream, echo, &notes);
    QCOMPARE(a.headers.size(), 1);
    QCOMPARE(a.headers.value("x-b"), QByteArray("1"));
    QCOMPARE(notes.size(), 4);
    QVERIFY(notes[1].startsWith("content-length from the runner not passed on"));
}

void TestExtPluginSemantics::stopHeaders()
{
    Runner::Stop stop{0, {{"Content-Type", "text/plain"}, {"X-R", "1"}, {"x-r", "2"}}, {}};
    const ClientAnswer a = stopAnswer(stop);
    QCOMPARE(a.status, 200); // 0 means 200
    QCOMPARE(a.headers.value("content-type"), QByteArray("text/plain")); // no exclusion list for Stop
    QCOMPARE(a.headers.values("x-r"), (QList<QByteArray>{"1", "2"}));
}

void TestExtPluginSemantics::reqCallCarriesUpstreamHost()
{
    HttpRequest r;
    r.method = "GET";
    r.path = "/p";
    r.query = "a=1";
    r.headers.add("Host", "client.example");
    r.headers.add("X-Two", "1");
    r.headers.add("X-Two", "2");
    const auto m = buildReqCall(r, "upstream.example", QHostAddress("10.1.2.3"), 5, 0);
    QCOMPARE(m.srcIp, QByteArray("\x0a\x01\x02\x03", 4));
    QCOMPARE(m.path, QByteArray("/p"));
    QCOMPARE(m.args, (TextPairs{{"a", "1"}}));
    // What the runner receives: names lower-cased on the wire, as APISIX sends them.
    QString error;
    const auto sent = Runner::decodeHttpReqCallReq(Runner::encode(m), &error);
    QVERIFY2(sent, qPrintable(error));
    QCOMPARE(sent->headers, (TextPairs{{"host", "upstream.example"}, {"x-two", "1"}, {"x-two", "2"}}));
    QCOMPARE(buildReqCall(r, "h", QHostAddress("::1"), 5, 0).srcIp.size(), 16);
}

void TestExtPluginSemantics::exclusionList()
{
    for (const char *h : {"connection", "Content-Length", "transfer-encoding", "location", "server", "www-authenticate",
                          "content-encoding", "content-type", "content-location", "content-language"})
        QVERIFY2(isExcludedResponseHeader(h), h);
    QVERIFY(!isExcludedResponseHeader("set-cookie"));
}

void TestExtPluginSemantics::pluginsFromRoute()
{
    const ExtPlugins p = extPluginsOf(QJsonObject{
        {"ext-plugin-post-resp", QJsonObject{{"conf", QJsonArray{QJsonObject{{"name", "b"}, {"value", "2"}}, QJsonObject{{"name", "a"}, {"value", "1"}}}},
                                             {"allow_degradation", true}}},
        {"limit-count", QJsonObject{}}});
    QVERIFY(!p.preReq && !p.postReq);
    QVERIFY(p.postResp);
    QCOMPARE(p.postResp->conf, (TextPairs{{"b", "2"}, {"a", "1"}})); // the user's order
    QVERIFY(p.postResp->allowDegradation);
    QCOMPARE(confTokenKey("route", "1", "ext-plugin-post-resp", "7"), QByteArray("route#1#ext-plugin-post-resp#7"));
}

QTEST_GUILESS_MAIN(TestExtPluginSemantics)
#include "tst_extpluginsemantics.moc"
