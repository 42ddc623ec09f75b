#include "adminapi.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

namespace {
QJsonObject jsonOf(const TestResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}
} // namespace

class TestAdminApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void apisixDocsCommandsVerbatim();
    void authentication_data();
    void authentication();
    void crudRoutes();
    void postGeneratesIds();
    void patchMerges();
    void upstreamInUseCannotBeDeleted();
    void errorsNameTheProblem_data();
    void errorsNameTheProblem();
    void validateEndpointDoesNotSave();
    void wrongMethodAndPath();
    void randomBodiesGetClearErrors();
    void loopbackAnswersOnlyLoopbackHosts_data();
    void loopbackAnswersOnlyLoopbackHosts();
    void refusedBeforeTheBodyIsRead();
};

void TestAdminApi::apisixDocsCommandsVerbatim()
{
    auto upstream = startEchoUpstream();
    TestEngine engine;
    // The three commands of the APISIX getting-started docs, with the node pointed at our upstream.
    const QByteArray put = "{\n  \"uri\": \"/index.html\",\n  \"upstream\": {\"type\": \"roundrobin\", \"nodes\": {\"127.0.0.1:"
        + QByteArray::number(upstream->port()) + "\": 1}}}";
    TestResponse r = engine.admin("PUT", "/apisix/admin/routes/1", put);
    QCOMPARE(r.status, 201);
    QCOMPARE(jsonOf(r).value("key").toString(), QStringLiteral("/apisix/routes/1"));
    QCOMPARE(jsonOf(r).value("value").toObject().value("uri").toString(), QStringLiteral("/index.html"));
    QVERIFY(jsonOf(r).value("value").toObject().contains("create_time"));
    QVERIFY(jsonOf(r).value("value").toObject().contains("update_time"));

    r = httpRequest(engine.proxyPort(), "GET", "/index.html");
    QCOMPARE(r.status, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value("path").toString(), QStringLiteral("/index.html"));

    r = engine.admin("DELETE", "/apisix/admin/routes/1");
    QCOMPARE(r.status, 200);
    r = httpRequest(engine.proxyPort(), "GET", "/index.html");
    QCOMPARE(r.status, 404);
    QCOMPARE(jsonOf(r).value("error_msg").toString(), QStringLiteral("404 Route Not Found"));
}

void TestAdminApi::authentication_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<int>("status");
    QTest::newRow("missing") << QByteArray() << 401;
    QTest::newRow("wrong") << QByteArray("test-kez") << 401;
    QTest::newRow("prefix") << QByteArray("test-ke") << 401;
    QTest::newRow("longer") << QByteArray("test-key2") << 401;
    QTest::newRow("right") << QByteArray("test-key") << 200;
}

void TestAdminApi::authentication()
{
    QFETCH(QByteArray, key);
    QFETCH(int, status);
    TestEngine engine;
    const TestResponse r = engine.admin("GET", "/apisix/admin/routes", {}, key);
    QCOMPARE(r.status, status);
    if (status == 401)
        QCOMPARE(jsonOf(r).value("error_msg").toString(), QStringLiteral("failed to check token"));
}

void TestAdminApi::crudRoutes()
{
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/a", R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":1}}})"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/b", R"({"uri":"/b","upstream":{"nodes":{"127.0.0.1:1":1}}})"), 201);
    TestResponse r = engine.admin("GET", "/apisix/admin/routes");
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonOf(r).value("total").toInt(), 2);
    QCOMPARE(jsonOf(r).value("list").toArray().size(), 2);
    QCOMPARE(jsonOf(r).value("list").toArray()[0].toObject().value("key").toString(), QStringLiteral("/apisix/routes/a"));

    const qint64 created = jsonOf(engine.admin("GET", "/apisix/admin/routes/a")).value("value").toObject().value("create_time").toInteger();
    r = engine.admin("PUT", "/apisix/admin/routes/a", R"({"uri":"/a2","upstream":{"nodes":{"127.0.0.1:1":1}}})");
    QCOMPARE(r.status, 200); // replaced, not created
    QCOMPARE(jsonOf(r).value("value").toObject().value("uri").toString(), QStringLiteral("/a2"));
    QCOMPARE(jsonOf(r).value("value").toObject().value("create_time").toInteger(), created);

    QCOMPARE(engine.admin("GET", "/apisix/admin/routes/nope").status, 404);
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/routes/nope").status, 404);
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/routes/a").status, 200);
    QCOMPARE(jsonOf(engine.admin("GET", "/apisix/admin/routes")).value("total").toInt(), 1);
    QVERIFY(!engine.store().snapshot()->routes.contains("a"));
}

void TestAdminApi::postGeneratesIds()
{
    TestEngine engine;
    const QByteArray body = R"({"uri":"/p","upstream":{"nodes":{"127.0.0.1:1":1}}})";
    const TestResponse a = engine.admin("POST", "/apisix/admin/routes", body);
    const TestResponse b = engine.admin("POST", "/apisix/admin/routes", body);
    QCOMPARE(a.status, 201);
    QCOMPARE(b.status, 201);
    const QString ka = jsonOf(a).value("key").toString();
    const QString kb = jsonOf(b).value("key").toString();
    QVERIFY(ka.startsWith("/apisix/routes/"));
    QVERIFY(ka != kb);
    QCOMPARE(engine.admin("GET", ka.toUtf8().replace("/apisix/", "/apisix/admin/")).status, 200);
}

void TestAdminApi::patchMerges()
{
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", R"({"uri":"/x","name":"old","desc":"d","upstream":{"nodes":{"127.0.0.1:1":1}}})"), 201);
    const TestResponse r = engine.admin("PATCH", "/apisix/admin/routes/1", R"({"name":"new","desc":null,"upstream":{"nodes":{"127.0.0.1:2":1}}})");
    QCOMPARE(r.status, 200);
    const QJsonObject v = jsonOf(r).value("value").toObject();
    QCOMPARE(v.value("name").toString(), QStringLiteral("new"));
    QVERIFY(!v.contains("desc"));
    QCOMPARE(v.value("uri").toString(), QStringLiteral("/x"));
    // Merge patch merges objects: both nodes now.
    QCOMPARE(v.value("upstream").toObject().value("nodes").toObject().size(), 2);
    QCOMPARE(engine.admin("PATCH", "/apisix/admin/routes/1", R"({"uri":5})").status, 400);
    QCOMPARE(engine.admin("PATCH", "/apisix/admin/routes/none", R"({"uri":"/y"})").status, 404);
}

void TestAdminApi::upstreamInUseCannotBeDeleted()
{
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/upstreams/u1", R"({"type":"roundrobin","nodes":{"127.0.0.1:1":1}})"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/r1", R"({"uri":"/x","upstream_id":"u1"})"), 201);
    TestResponse r = engine.admin("DELETE", "/apisix/admin/upstreams/u1");
    QCOMPARE(r.status, 400);
    QVERIFY(jsonOf(r).value("error_msg").toString().contains("route [r1] is still using it"));
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/routes/r1").status, 200);
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/upstreams/u1").status, 200);
}

void TestAdminApi::errorsNameTheProblem_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("invalid JSON with position") << QByteArray("/apisix/admin/routes/1") << QByteArray("{\n  \"uri\": \"/a\",,\n}")
        << QStringLiteral("invalid request body: ");
    QTest::newRow("uri wrong type") << QByteArray("/apisix/admin/routes/1") << QByteArray(R"({"uri":1})")
        << QStringLiteral("invalid configuration: property \"uri\" validation failed: wrong type: expected string, got number");
    QTest::newRow("unknown property") << QByteArray("/apisix/admin/routes/1") << QByteArray(R"({"uri":"/a","bogus":1})")
        << QStringLiteral("invalid configuration: additional properties forbidden, found bogus");
    QTest::newRow("bad method") << QByteArray("/apisix/admin/routes/1") << QByteArray(R"({"uri":"/a","methods":["GET","FETCH"]})")
        << QStringLiteral("invalid configuration: property \"methods\" validation failed: failed to validate item 2: matches none of the enum values");
    QTest::newRow("ext-plugin conf name missing") << QByteArray("/apisix/admin/routes/1")
        << QByteArray(R"({"uri":"/a","plugins":{"ext-plugin-post-resp":{"conf":[{"value":"x"}]}},"upstream":{"nodes":{"127.0.0.1:1":1}}})")
        << QStringLiteral("failed to check the configuration of plugin ext-plugin-post-resp err: property \"conf\" validation failed: failed to validate item 1: property \"name\" is required");
    QTest::newRow("upstream_id unknown") << QByteArray("/apisix/admin/routes/1") << QByteArray(R"({"uri":"/a","upstream_id":"zz"})")
        << QStringLiteral("failed to fetch upstream info by upstream id [zz], response code: 404");
    QTest::newRow("upstream bad pass_host") << QByteArray("/apisix/admin/upstreams/1") << QByteArray(R"({"nodes":{"127.0.0.1:1":1},"pass_host":"x"})")
        << QStringLiteral("invalid configuration: property \"pass_host\" validation failed: matches none of the enum values");
    QTest::newRow("inline upstream bad timeout") << QByteArray("/apisix/admin/routes/1")
        << QByteArray(R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":1},"timeout":{"connect":1,"send":1}}})")
        << QStringLiteral("invalid configuration: property \"upstream\" validation failed: property \"timeout\" validation failed: property \"read\" is required");
    QTest::newRow("id mismatch") << QByteArray("/apisix/admin/routes/1") << QByteArray(R"({"id":"2","uri":"/a"})")
        << QStringLiteral("wrong route id");
}

void TestAdminApi::errorsNameTheProblem()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    TestEngine engine;
    const TestResponse r = engine.admin("PUT", path, body);
    QCOMPARE(r.status, 400);
    const QString got = jsonOf(r).value("error_msg").toString();
    QVERIFY2(got.startsWith(message), qPrintable(got));
    if (QTest::currentDataTag() == QByteArray("invalid JSON with position"))
        QVERIFY2(got.contains("line 2, column"), qPrintable(got));
    QCOMPARE(engine.store().snapshot()->routes.size(), 0); // nothing saved
}

void TestAdminApi::validateEndpointDoesNotSave()
{
    TestEngine engine;
    TestResponse r = engine.admin("POST", "/apisix/admin/schema/validate/routes", R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":1}}})");
    QCOMPARE(r.status, 200);
    r = engine.admin("POST", "/apisix/admin/schema/validate/routes", R"({"uri":"/a","priority":"high"})");
    QCOMPARE(r.status, 400);
    QVERIFY(jsonOf(r).value("error_msg").toString().contains("priority"));
    QCOMPARE(engine.store().snapshot()->routes.size(), 0);
}

void TestAdminApi::wrongMethodAndPath()
{
    TestEngine engine;
    QCOMPARE(engine.admin("TRACE", "/apisix/admin/routes/1").status, 405);
    QCOMPARE(engine.admin("GET", "/apisix/admin/services").status, 404);
    QCOMPARE(engine.admin("GET", "/elsewhere").status, 404);
    QCOMPARE(engine.admin("POST", "/apisix/admin/routes/5", "{}").status, 405);
}

void TestAdminApi::randomBodiesGetClearErrors()
{
    TestEngine engine;
    QRandomGenerator rng(42);
    const QByteArray good = R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":1}},"plugins":{"ext-plugin-post-resp":{"conf":[{"name":"n","value":"v"}]}}})";
    for (int i = 0; i < 200; ++i) {
        QByteArray body = good;
        for (int k = 0; k < 1 + i % 3; ++k)
            body[rng.bounded(int(body.size()))] = char(rng.bounded(32, 127));
        const TestResponse r = engine.admin("PUT", "/apisix/admin/routes/x", body);
        QVERIFY2(r.status == 200 || r.status == 201 || r.status == 400, qPrintable(QString::number(r.status)));
        if (r.status == 400)
            QVERIFY(!jsonOf(r).value("error_msg").toString().isEmpty());
    }
    QCOMPARE(engine.admin("GET", "/apisix/admin/routes").status, 200);
}

void TestAdminApi::loopbackAnswersOnlyLoopbackHosts_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<int>("status");
    QTest::newRow("127.0.0.1 with port") << QByteArray("127.0.0.1:9180") << 200;
    QTest::newRow("localhost") << QByteArray("localhost:9180") << 200;
    QTest::newRow("LOCALHOST") << QByteArray("LOCALHOST") << 200;
    QTest::newRow("127.1.2.3") << QByteArray("127.1.2.3") << 200;
    QTest::newRow("[::1]") << QByteArray("[::1]:9180") << 200;
    QTest::newRow("a rebound name") << QByteArray("attacker.example:9180") << 403;
    QTest::newRow("a LAN address") << QByteArray("192.0.2.7") << 403;
    QTest::newRow("localhost as a suffix only") << QByteArray("localhost.attacker.example") << 403;
}

void TestAdminApi::loopbackAnswersOnlyLoopbackHosts()
{
    // DNS rebinding (issue 11): the engine's Admin API is on loopback here, as by default.
    QFETCH(QByteArray, host);
    QFETCH(int, status);
    TestEngine engine;
    TestClient client(engine.adminPort());
    client.send("GET /apisix/admin/routes HTTP/1.1\r\nHost: " + host + "\r\nX-API-KEY: test-key\r\n\r\n");
    const TestResponse r = client.read();
    QCOMPARE(r.status, status);
    if (status == 403)
        QVERIFY(jsonOf(r).value("error_msg").toString().contains("loopback"));
    // Pure, without a socket: off when not on loopback.
    ConfigStore store;
    AdminApi api(&store, "k");
    HttpRequest request;
    request.method = "GET";
    request.path = "/apisix/admin/routes";
    request.headers.add("Host", host);
    request.headers.add("X-API-KEY", "k");
    QCOMPARE(api.handle(request).status, 200);
    api.setLoopbackOnly(true);
    QCOMPARE(api.handle(request).status, status);
}

void TestAdminApi::refusedBeforeTheBodyIsRead()
{
    // Issue 11: a head with a wrong key and a 10 MB body to come is answered at once; the body is never read.
    TestEngine engine;
    TestClient client(engine.adminPort());
    client.send("PUT /apisix/admin/routes/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: wrong\r\nContent-Length: 10000000\r\n\r\n{\"uri\":");
    TestResponse r = client.read(false, 5000);
    QCOMPARE(r.status, 401);
    QCOMPARE(jsonOf(r).value("error_msg").toString(), QStringLiteral("failed to check token"));
    QVERIFY(client.waitClosed());
    // With the key, the same head goes on to read its body.
    TestClient good(engine.adminPort());
    const QByteArray body = R"({"uri":"/x","upstream":{"nodes":{"127.0.0.1:1":1}}})";
    good.send("PUT /apisix/admin/routes/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: test-key\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QCOMPARE(good.read().status, 201);
    // Past APISIX's 1.5 MiB, even with the key: 400 with APISIX's words, on the head alone.
    TestClient big(engine.adminPort());
    big.send("PUT /apisix/admin/routes/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: test-key\r\nContent-Length: 1572865\r\n\r\n{");
    r = big.read(false, 5000);
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r).value("error_msg").toString(),
             QStringLiteral("invalid request body: request size 1572865 is greater than the maximum size 1572864 allowed"));
    // Exactly the limit is read (and judged on its JSON).
    TestClient edge(engine.adminPort());
    edge.send("PUT /apisix/admin/routes/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: test-key\r\nContent-Length: 1572864\r\n\r\n"
              + QByteArray(1572864, ' '));
    r = edge.read(false, 5000);
    QCOMPARE(r.status, 400);
    QVERIFY2(jsonOf(r).value("error_msg").toString().startsWith("invalid request body"), r.body.constData());
    QVERIFY(!jsonOf(r).value("error_msg").toString().contains("maximum size"));
}

QTEST_GUILESS_MAIN(TestAdminApi)
#include "tst_adminapi.moc"
