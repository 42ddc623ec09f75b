#include "adminapi.h"
#include "configstore.h"
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
    void keyOnEveryMethodAndPath();
    void keyInQueryOnlyWhenTurnedOn();
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
    void apisixTestCases_data();
    void apisixTestCases();
    void writesAnswerKeyAndValue();
    void listsFilterAndPage();
    void pluginsListAndSchemas();
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

namespace {
HttpRequest adminRequest(const QByteArray &method, const QByteArray &target, const QByteArray &key = {})
{
    HttpRequest r;
    r.method = method;
    r.setTarget(target);
    r.uri = r.path;
    r.headers.add("Host", "127.0.0.1:9180");
    if (!key.isNull())
        r.headers.add("X-API-KEY", key);
    return r;
}
} // namespace

// No method on no path of the Admin API answers anything but 401 without the key (HEAD /apisix/admin, the
// health probe, excepted as in APISIX), and the refusal comes before the body is read.
void TestAdminApi::keyOnEveryMethodAndPath()
{
    ConfigStore store;
    AdminApi api(&store, "secret");
    QList<QByteArray> paths = {"/apisix/admin/", "/apisix/admin/schema/validate/routes", "/apisix/admin/schema/route",
                               "/apisix/admin/configs", "/apisix/admin/plugins/list", "/apisix/admin/unknown/x"};
    for (ResourceKind kind : kResourceKinds) {
        const QByteArray plural = resourcePlural(kind).toLatin1();
        paths << "/apisix/admin/" + plural << "/apisix/admin/" + plural + "/1" << "/apisix/admin/" + plural + "/1/methods";
    }
    int checked = 0;
    for (const QByteArray &method : {"GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
        for (const QByteArray &path : std::as_const(paths)) {
            for (const QByteArray &key : {QByteArray(), QByteArray(""), QByteArray("secreT"), QByteArray("secret ")}) {
                HttpRequest r = adminRequest(method, path, key);
                QCOMPARE(api.checkHead(r).status, 401);
                r.body = R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":1}}})";
                QCOMPARE(api.handle(r).status, 401);
                ++checked;
            }
        }
    }
    QCOMPARE(store.snapshot()->routes.size(), 0);
    QVERIFY(checked > 100);
    QCOMPARE(api.handle(adminRequest("HEAD", "/apisix/admin")).status, 200);
}

// APISIX takes `?api_key=`; RouteScope only when the workspace turns it on, and says so when it does not.
void TestAdminApi::keyInQueryOnlyWhenTurnedOn()
{
    ConfigStore store;
    AdminApi api(&store, "secret");
    AdminReply reply = api.handle(adminRequest("GET", "/apisix/admin/routes?api_key=secret"));
    QCOMPARE(reply.status, 401);
    QVERIFY2(reply.body.contains("admin_key_in_query"), reply.body.constData());
    QCOMPARE(api.handle(adminRequest("GET", "/apisix/admin/routes?api_key=wrong")).status, 401);
    api.setKeyInQuery(true);
    QCOMPARE(api.handle(adminRequest("GET", "/apisix/admin/routes?api_key=secret")).status, 200);
    reply = api.handle(adminRequest("GET", "/apisix/admin/routes?api_key=wrong"));
    QCOMPARE(reply.status, 401);
    QVERIFY(!reply.body.contains("admin_key_in_query"));
    // The header wins over the query, as in APISIX: a wrong header is not rescued by a right ?api_key=.
    QCOMPARE(api.handle(adminRequest("GET", "/apisix/admin/routes?api_key=secret", "wrong")).status, 401);
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

    // routes4.t TEST 2: a key etcd does not have is etcd's answer, {"message": "Key not found"}.
    for (const auto &[method, body] : {std::pair{"GET", ""}, std::pair{"DELETE", ""}, std::pair{"PATCH", R"({"uri":"/y"})"}}) {
        r = engine.admin(method, "/apisix/admin/routes/nope", body);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.body.trimmed(), QByteArray(R"({"message":"Key not found"})"));
    }
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
    const TestResponse unknown = engine.admin("GET", "/apisix/admin/stream_proxies");
    QCOMPARE(unknown.status, 404);
    QCOMPARE(jsonOf(unknown).value("error_msg").toString(), QStringLiteral("Unsupported resource type: stream_proxies"));
    QCOMPARE(engine.admin("GET", "/elsewhere").status, 404);
    const TestResponse post = engine.admin("POST", "/apisix/admin/routes/5", "{}");
    QCOMPARE(post.status, 400);
    QCOMPARE(jsonOf(post).value("error_msg").toString(), QStringLiteral("wrong route id, do not need it"));
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

// Cases of APISIX's own Admin API tests (apache/apisix t/admin/*.t), each against a store holding upstream 1
// and route 1 (uri /index.html, upstream_id 1): the status and the body APISIX answers.
void TestAdminApi::apisixTestCases_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("answer"); // error_msg, or the bare text, or for 2xx a value's field=JSON
    const QByteArray up = R"("upstream":{"nodes":{"127.0.0.1:1980":1},"type":"roundrobin"})";
    QTest::newRow("routes.t 14: integer id less than 1") << QByteArray("PUT") << QByteArray("/apisix/admin/routes")
        << QByteArray(R"({"id": -100, "uri": "/index.html"})") << 400
        << QStringLiteral("invalid configuration: property \"id\" validation failed: object matches none of the required");
    QTest::newRow("a fractional id") << QByteArray("PUT") << QByteArray("/apisix/admin/routes")
        << QByteArray(R"({"id": 1.5, "uri": "/a",)" + up + "}") << 400
        << QStringLiteral("invalid configuration: property \"id\" validation failed: object matches none of the required");
    QTest::newRow("routes.t 17: POST with an id in the body") << QByteArray("POST") << QByteArray("/apisix/admin/routes")
        << QByteArray(R"({"id": 3, "uri": "/a",)" + up + "}") << 400 << QStringLiteral("wrong route id, do not need it");
    QTest::newRow("routes.t 18: POST with an id in the path") << QByteArray("POST") << QByteArray("/apisix/admin/routes/3")
        << QByteArray(R"({"uri": "/a",)" + up + "}") << 400 << QStringLiteral("wrong route id, do not need it");
    QTest::newRow("routes.t: PUT with another id in the body") << QByteArray("PUT") << QByteArray("/apisix/admin/routes/1")
        << QByteArray(R"({"id": "3", "uri": "/a",)" + up + "}") << 400 << QStringLiteral("wrong route id");
    QTest::newRow("routes4.t: create_time in a PUT") << QByteArray("PUT") << QByteArray("/apisix/admin/routes/2")
        << QByteArray(R"({"uri": "/a", "create_time": 1602883670,)" + up + "}") << 400
        << QStringLiteral("the property is forbidden:  create_time");
    QTest::newRow("upstream4.t: update_time in the inline upstream") << QByteArray("PUT") << QByteArray("/apisix/admin/routes/2")
        << QByteArray(R"({"uri": "/a", "upstream": {"nodes": {"127.0.0.1:1980": 1}, "update_time": 1}})") << 400
        << QStringLiteral("the property is forbidden:  upstream.update_time");
    QTest::newRow("upstream4.t: create_time in an upstream") << QByteArray("PUT") << QByteArray("/apisix/admin/upstreams/2")
        << QByteArray(R"({"nodes": {"127.0.0.1:1980": 1}, "create_time": 1})") << 400
        << QStringLiteral("the property is forbidden:  create_time");
    QTest::newRow("filter.t 1: page_size below 10") << QByteArray("GET") << QByteArray("/apisix/admin/routes/?page=1&page_size=2")
        << QByteArray() << 400 << QStringLiteral("page_size must be between 10 and 500");
    QTest::newRow("upstream-force-delete.t 3: force=anyvalue") << QByteArray("DELETE") << QByteArray("/apisix/admin/upstreams/1?force=anyvalue")
        << QByteArray() << 400 << QStringLiteral("can not delete this upstream, route [1] is still using it now");
    QTest::newRow("upstream-force-delete.t 5: force=true") << QByteArray("DELETE") << QByteArray("/apisix/admin/upstreams/1?force=true")
        << QByteArray() << 200 << QString();
    QTest::newRow("routes3.t 10: PATCH a sub-path (methods)") << QByteArray("PATCH") << QByteArray("/apisix/admin/routes/1/methods")
        << QByteArray(R"(["POST"])") << 200 << QStringLiteral("methods=[\"POST\"]");
    QTest::newRow("routes3.t 11: PATCH a sub-path (uri)") << QByteArray("PATCH") << QByteArray("/apisix/admin/routes/1/uri")
        << QByteArray(R"("/patch_uri_test")") << 200 << QStringLiteral("uri=\"/patch_uri_test\"");
    QTest::newRow("PATCH a nested sub-path") << QByteArray("PATCH") << QByteArray("/apisix/admin/routes/1/labels/env")
        << QByteArray(R"("prod")") << 200 << QStringLiteral("labels={\"env\":\"prod\"}");
    QTest::newRow("PATCH a sub-path through a string") << QByteArray("PATCH") << QByteArray("/apisix/admin/routes/1/uri/x")
        << QByteArray(R"("y")") << 400 << QStringLiteral("invalid sub-path: /uri");
    QTest::newRow("PATCH a sub-path with an invalid value") << QByteArray("PATCH") << QByteArray("/apisix/admin/routes/1/methods")
        << QByteArray(R"(["FETCH"])") << 400
        << QStringLiteral("invalid configuration: property \"methods\" validation failed: failed to validate item 1: matches none of the enum values");
    QTest::newRow("api.t: HEAD /apisix/admin needs no key") << QByteArray("HEAD") << QByteArray("/apisix/admin")
        << QByteArray() << 200 << QString();
    // The fixture also has service 1 (upstream 1) used by route 2, plugin config 1 used by route 3, global rule 1.
    QTest::newRow("services.t: upstream_id invalid$") << QByteArray("PUT") << QByteArray("/apisix/admin/services")
        << QByteArray(R"({"id": 1, "upstream_id": "invalid$"})") << 400
        << QStringLiteral("invalid configuration: property \"upstream_id\" validation failed: object matches none of the required");
    QTest::newRow("services.t: upstream_id not found") << QByteArray("PUT") << QByteArray("/apisix/admin/services/5")
        << QByteArray(R"({"upstream_id": "9999999999"})") << 400
        << QStringLiteral("failed to fetch upstream info by upstream id [9999999999], response code: 404");
    QTest::newRow("services.t: PUT with another id in the body") << QByteArray("PUT") << QByteArray("/apisix/admin/services/1")
        << QByteArray(R"({"id": 3, "plugins": {}})") << 400 << QStringLiteral("wrong service id");
    QTest::newRow("services.t: POST with an id in the body") << QByteArray("POST") << QByteArray("/apisix/admin/services")
        << QByteArray(R"({"id": "1", "plugins": {}})") << 400 << QStringLiteral("wrong service id, do not need it");
    QTest::newRow("services.t: delete a service in use") << QByteArray("DELETE") << QByteArray("/apisix/admin/services/1")
        << QByteArray() << 400 << QStringLiteral("can not delete this service directly, route [2] is still using it now");
    QTest::newRow("upstream.t: delete an upstream a service uses") << QByteArray("DELETE") << QByteArray("/apisix/admin/upstreams/2")
        << QByteArray() << 400 << QStringLiteral("can not delete this upstream, service [2] is still using it now");
    QTest::newRow("upstream5.t 15: an upstream a plugin config's traffic-split uses") << QByteArray("DELETE") << QByteArray("/apisix/admin/upstreams/3")
        << QByteArray() << 400 << QStringLiteral("can not delete this upstream, plugin in plugin_config [2] is still using it now");
    QTest::newRow("routes.t: service_id not found") << QByteArray("PUT") << QByteArray("/apisix/admin/routes/9")
        << QByteArray(R"({"uri": "/a", "service_id": "99"})") << 400
        << QStringLiteral("failed to fetch service info by service id [99], response code: 404");
    QTest::newRow("routes.t: plugin_config_id not found") << QByteArray("PUT") << QByteArray("/apisix/admin/routes/9")
        << QByteArray(R"({"uri": "/a", "plugin_config_id": "99", "upstream_id": "1"})") << 400
        << QStringLiteral("failed to fetch plugin config info by plugin config id [99], response code: 404");
    QTest::newRow("plugin-configs.t: delete a plugin config in use") << QByteArray("DELETE") << QByteArray("/apisix/admin/plugin_configs/1")
        << QByteArray() << 400 << QStringLiteral("can not delete this plugin config, route [3] is still using it now");
    QTest::newRow("plugin-configs.t: labels as a string") << QByteArray("PUT") << QByteArray("/apisix/admin/plugin_configs/2")
        << QByteArray(R"({"plugins": {}, "labels": "a"})") << 400
        << QStringLiteral("invalid configuration: property \"labels\" validation failed: wrong type: expected object, got string");
    QTest::newRow("plugin_config.lua: POST is not supported") << QByteArray("POST") << QByteArray("/apisix/admin/plugin_configs")
        << QByteArray(R"({"plugins": {}})") << 405 << QStringLiteral("not supported `POST` method for plugin config");
    QTest::newRow("global-rules.t: plugins required") << QByteArray("PUT") << QByteArray("/apisix/admin/global_rules/2")
        << QByteArray("{}") << 400 << QStringLiteral("invalid configuration: property \"plugins\" is required");
    QTest::newRow("global-rules-conflict.t: a plugin in two global rules") << QByteArray("PUT") << QByteArray("/apisix/admin/global_rules/2")
        << QByteArray(R"({"plugins": {"limit-count": {"count": 2, "time_window": 60}}})") << 400
        << QStringLiteral("plugin 'limit-count' already exists in global rule with id '1'");
    QTest::newRow("global-rules-conflict.t: the same rule again") << QByteArray("PUT") << QByteArray("/apisix/admin/global_rules/1")
        << QByteArray(R"({"plugins": {"limit-count": {"count": 3, "time_window": 60}}})") << 200 << QString();
    QTest::newRow("global_rules.lua: POST is not supported") << QByteArray("POST") << QByteArray("/apisix/admin/global_rules")
        << QByteArray(R"({"plugins": {}})") << 405 << QStringLiteral("not supported `POST` method for global rule");
}

void TestAdminApi::apisixTestCases()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, answer);
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/upstreams/1", R"({"nodes":{"127.0.0.1:1980":1},"type":"roundrobin"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/1", R"({"uri":"/index.html","upstream_id":"1"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/upstreams/2", R"({"nodes":{"127.0.0.1:1980":1},"type":"roundrobin"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/services/1", R"({"upstream_id":"1"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/services/2", R"({"upstream_id":"2"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/2", R"({"uri":"/svc","service_id":"1"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/plugin_configs/1", R"({"plugins":{"limit-count":{"count":1,"time_window":60}}})"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/3", R"({"uri":"/pc","plugin_config_id":"1","upstream_id":"1"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/global_rules/1", R"({"plugins":{"limit-count":{"count":1,"time_window":60}}})"), 201);
    QCOMPARE(engine.put("/apisix/admin/upstreams/3", R"({"nodes":{"127.0.0.1:1980":1},"type":"roundrobin"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/plugin_configs/2", R"({"plugins":{"traffic-split":{"rules":[{"weighted_upstreams":[{"upstream_id":3,"weight":1}]}]}}})"), 201);
    const TestResponse r = engine.admin(method, path, body, method == "HEAD" ? QByteArray("not-the-key") : QByteArray("test-key"));
    QCOMPARE(r.status, status);
    if (status >= 400) {
        const QString got = r.headers.value("content-type") == "application/json" ? jsonOf(r).value("error_msg").toString()
                                                                                  : QString::fromUtf8(r.body.trimmed());
        QCOMPARE(got, answer);
    } else if (!answer.isEmpty()) {
        const QString field = answer.section(QLatin1Char('='), 0, 0);
        const QJsonValue want = QJsonDocument::fromJson("[" + answer.section(QLatin1Char('='), 1).toUtf8() + "]").array().first();
        QCOMPARE(jsonOf(r).value("value").toObject().value(field), want);
        QCOMPARE(jsonOf(r).value("key").toString(), QStringLiteral("/apisix/routes/1"));
    }
    if (status >= 400) // nothing of a refused write is stored
        QCOMPARE(engine.store().snapshot()->globalRules.size(), 1);
    if (method == "DELETE" && status == 200) // the route stays, its upstream gone: 503 as in APISIX
        QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/index.html").status, 503);
}

void TestAdminApi::writesAnswerKeyAndValue()
{
    TestEngine engine;
    // A write answers {key, value} (apisix/core/etcd.lua set()), a read adds the indexes; both say v3.
    TestResponse r = engine.admin("PUT", "/apisix/admin/routes", R"({"id": 7, "uri": "/n", "upstream": {"nodes": {"127.0.0.1:1": 1}}})");
    QCOMPARE(r.status, 201);
    QCOMPARE(r.headers.value("x-api-version"), QByteArray("v3"));
    QCOMPARE(jsonOf(r).keys(), (QStringList{"key", "value"}));
    QCOMPARE(jsonOf(r).value("key").toString(), QStringLiteral("/apisix/routes/7"));
    QVERIFY(jsonOf(r).value("value").toObject().value("id").isDouble()); // given as a number, kept a number
    r = engine.admin("PUT", "/apisix/admin/routes/8", R"({"id": 8, "uri": "/m", "upstream": {"nodes": {"127.0.0.1:1": 1}}})");
    QCOMPARE(jsonOf(r).value("value").toObject().value("id"), QJsonValue("8")); // the path's id is text
    r = engine.admin("PATCH", "/apisix/admin/routes/7", R"({"name": "seven"})");
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonOf(r).keys(), (QStringList{"key", "value"}));
    r = engine.admin("GET", "/apisix/admin/routes/7");
    QCOMPARE(jsonOf(r).keys(), (QStringList{"createdIndex", "key", "modifiedIndex", "value"}));
    QCOMPARE(r.headers.value("x-api-version"), QByteArray("v3"));
    QCOMPARE(jsonOf(r).value("value").toObject().value("id"), QJsonValue(7));
    r = engine.admin("POST", "/apisix/admin/routes", R"({"uri": "/p", "upstream": {"nodes": {"127.0.0.1:1": 1}}})");
    QCOMPARE(r.status, 201);
    QCOMPARE(jsonOf(r).keys(), (QStringList{"key", "value"}));
    QCOMPARE(jsonOf(r).value("value").toObject().value("id").toString().size(), 20); // etcd's %020d
}

void TestAdminApi::pluginsListAndSchemas()
{
    TestEngine engine;
    // GET /apisix/admin/plugins/list: the default config.yaml's plugins, by priority (real-ip first).
    TestResponse r = engine.admin("GET", "/apisix/admin/plugins/list");
    QCOMPARE(r.status, 200);
    const QJsonArray names = QJsonDocument::fromJson(r.body).array();
    QCOMPARE(names.first().toString(), QStringLiteral("real-ip"));
    QVERIFY(names.contains(QJsonValue("ext-plugin-pre-req")) && names.contains(QJsonValue("proxy-cache")));
    QVERIFY(!names.contains(QJsonValue("opentelemetry"))); // shipped, not enabled by default
    QCOMPARE(QJsonDocument::fromJson(engine.admin("GET", "/apisix/admin/plugins/list?subsystem=stream").body).array().size(), 5);
    r = engine.admin("GET", "/apisix/admin/plugins/list?subsystem=tcp");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.body.trimmed(), QByteArray("invalid subsystem passed"));
    QCOMPARE(engine.admin("GET", "/apisix/admin/plugins/list", {}, "wrong").status, 401);
    // schema.t 7-9: a plugin's schema, by either path.
    r = engine.admin("GET", "/apisix/admin/schema/plugins/limit-count");
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains(R"("required":["count","time_window"])"));
    const QJsonObject serverless = jsonOf(engine.admin("GET", "/apisix/admin/plugins/serverless-pre-function"));
    QCOMPARE(serverless.value("required").toArray(), QJsonArray{"functions"});
    QCOMPARE(serverless.value("properties").toObject().value("phase").toObject().value("enum").toArray().size(), 6);
    QCOMPARE(engine.admin("GET", "/apisix/admin/schema/plugins/no-exist").status, 404);
    QCOMPARE(jsonOf(engine.admin("GET", "/apisix/admin/plugins/no-exist")).value("error_msg").toString(), QStringLiteral("plugin not found in subsystem http"));
    // One whose schema RouteScope does not have says so, rather than making one up.
    r = engine.admin("GET", "/apisix/admin/plugins/skywalking-logger");
    QCOMPARE(r.status, 501);
    QVERIFY(jsonOf(r).value("error_msg").toString().contains("does not have the schema of plugin skywalking-logger"));
    QCOMPARE(engine.admin("PUT", "/apisix/admin/plugins/limit-count", "{}").status, 404);
}

void TestAdminApi::listsFilterAndPage()
{
    TestEngine engine;
    // 25 routes created in an order unlike their keys' (r24, r23, … r00).
    for (int i = 24; i >= 0; --i) {
        const QByteArray id = QByteArray("r") + QByteArray::number(i).rightJustified(2, '0');
        const QByteArray body = "{\"uri\":\"/api/" + QByteArray::number(i) + "\",\"name\":\"" + (i % 2 ? "odd" : "even")
            + "-" + QByteArray::number(i) + "\",\"labels\":{" + (i % 5 == 0 ? "\"tier\":\"gold\"" : "\"x\":\"y\"")
            + "},\"upstream_id\":\"" + (i < 3 ? "u1" : "u2") + "\"}";
        QCOMPARE(engine.put("/apisix/admin/upstreams/" + QByteArray(i < 3 ? "u1" : "u2"), R"({"nodes":{"127.0.0.1:1":1}})") / 100, 2);
        QCOMPARE(engine.put("/apisix/admin/routes/" + id, body), 201);
    }
    const auto ids = [&](const QByteArray &query) {
        const QJsonObject o = jsonOf(engine.admin("GET", "/apisix/admin/routes" + query));
        QStringList out;
        for (const QJsonValue item : o.value("list").toArray())
            out << item.toObject().value("value").toObject().value("id").toString();
        return std::pair(o.value("total").toInt(), out);
    };
    QCOMPARE(ids("").first, 25);
    QCOMPARE(ids("").second.first(), QStringLiteral("r00")); // without paging: the keys' order, as etcd lists
    QCOMPARE(ids("?name=^odd-1").second, (QStringList{"r01", "r11", "r13", "r15", "r17", "r19"}));
    QCOMPARE(ids("?label=tier").second, (QStringList{"r00", "r05", "r10", "r15", "r20"}));
    QCOMPARE(ids("?uri=/api/2[0-9]").second, (QStringList{"r20", "r21", "r22", "r23", "r24"}));
    QCOMPARE(ids("?filter=upstream_id%3Du1").second, (QStringList{"r00", "r01", "r02"}));
    QCOMPARE(ids("?filter=nosuchfield%3D1").first, 25); // a field the resource does not list is ignored
    // Paging sorts by creation: page 2 of 10 holds the 11th to 20th created.
    const auto page2 = ids("?page=2&page_size=10");
    QCOMPARE(page2.first, 25);
    QCOMPARE(page2.second.first(), QStringLiteral("r14"));
    QCOMPARE(page2.second.last(), QStringLiteral("r05"));
    QCOMPARE(ids("?page=3&page_size=10").second.size(), 5);
    QCOMPARE(ids("?page=9&page_size=10").second.size(), 0);
    QCOMPARE(ids("?label=tier&page=1&page_size=10").first, 5);
}

QTEST_GUILESS_MAIN(TestAdminApi)
#include "tst_adminapi.moc"
