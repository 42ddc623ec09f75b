#include "coarseclock.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QRandomGenerator>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTest>
#include <QThread>

namespace {
// An https upstream on its own thread (tests/data has its self-signed certificate): answers every
// request with the Host it got.
class TlsUpstream
{
public:
    TlsUpstream()
    {
        m_thread.start();
        auto *server = new QSslServer;
        server->moveToThread(&m_thread);
        m_server = server;
        QMetaObject::invokeMethod(server, [this, server] {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            QFile cert(QStringLiteral(ROUTESCOPE_TEST_DATA "/upstream-tls.crt"));
            QFile key(QStringLiteral(ROUTESCOPE_TEST_DATA "/upstream-tls.key"));
            if (!cert.open(QIODevice::ReadOnly) || !key.open(QIODevice::ReadOnly))
                return;
            tls.setLocalCertificate(QSslCertificate(cert.readAll()));
            tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa));
            server->setSslConfiguration(tls);
            QObject::connect(server, &QSslServer::pendingConnectionAvailable, server, [this, server] {
                while (auto *s = qobject_cast<QSslSocket *>(server->nextPendingConnection())) {
                    m_connections.fetchAndAddRelaxed(1);
                    QObject::connect(s, &QSslSocket::readyRead, s, [s] {
                        const QByteArray request = s->readAll();
                        if (!request.contains("\r\n\r\n"))
                            return;
                        QByteArray host;
                        for (const QByteArray &line : request.split('\n'))
                            if (line.toLower().startsWith("host:"))
                                host = line.mid(5).trimmed();
                        const QByteArray body = "over tls, host " + host;
                        s->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
                    });
                    QObject::connect(s, &QSslSocket::disconnected, s, &QObject::deleteLater);
                }
            });
            server->listen(QHostAddress::LocalHost, 0);
            m_port = server->serverPort();
        }, Qt::BlockingQueuedConnection);
    }
    ~TlsUpstream()
    {
        QMetaObject::invokeMethod(m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }
    int connections() const { return m_connections.loadRelaxed(); }

private:
    QThread m_thread;
    QSslServer *m_server = nullptr;
    quint16 m_port = 0;
    QAtomicInt m_connections;
};
} // namespace

namespace {
QByteArray route(const QByteArray &uri, const QByteArray &upstream)
{
    return "{\"uri\":\"" + uri + "\",\"upstream\":" + upstream + "}";
}
} // namespace

class TestProxy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { CoarseClock::simulateForTests(); }
    void forwardsAndAddsForwardingHeaders();
    void routesOnVars();
    void addsWhatApisixAdds();
    void charsetAsNginxAddsIt_data();
    void charsetAsNginxAddsIt();
    void stripsHopByHopHeaders();
    void passHost_data();
    void passHost();
    void httpsUpstream();
    void weightedDistributionOver1000Requests();
    void chashKeepsClientOnOneNode();
    void upstreamDownIs502();
    void retriesNextNodeOnConnectFailure();
    void slowUpstreamIs504();
    void chunkedRequestBody();
    void chunkedResponseRelayed();
    void headAndNoBodyResponses();
    void keepAliveReusesConnections();
    void pipelinedRequestsAnsweredInOrder();
    void badInput_data();
    void badInput();
    void malformedUpstreamIs502();
    void absoluteFormAndTrailers();
    void routesOnTheNormalisedPath_data();
    void routesOnTheNormalisedPath();
    void expectContinueIsAnsweredHere();
    void pipelinedBehindAClosingUpstream();
    void upstreamInterimAndBodilessResponses_data();
    void upstreamInterimAndBodilessResponses();
    void truncatedUpstreamBodyCutsTheConnection();
    void liveConfigChange();
    void disabledRouteAndMissingUpstream();
    void http10Client();
    void severalWorkers();
    void stopsWithRequestsInFlight();
    void randomBytesNeverHurt();
};

void TestProxy::forwardsAndAddsForwardingHeaders()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/echo/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "POST", "/echo/a?x=1&x=2&y",
                                       {{"Host", "api.example.com:8443"}, {"X-Forwarded-For", "10.0.0.1"}, {"X-Custom", "keep me"}},
                                       "payload");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    const QJsonObject e = echoOf(r);
    QCOMPARE(e.value("method").toString(), QStringLiteral("POST"));
    QCOMPARE(e.value("uri").toString(), QStringLiteral("/echo/a?x=1&x=2&y")); // query preserved verbatim
    QCOMPARE(e.value("body").toString(), QStringLiteral("payload"));
    QCOMPARE(seenHeader(r, "host"), QStringLiteral("api.example.com:8443"));
    QCOMPARE(seenHeader(r, "x-real-ip"), QStringLiteral("127.0.0.1"));
    QCOMPARE(seenHeader(r, "x-forwarded-for"), QStringLiteral("10.0.0.1, 127.0.0.1"));
    QCOMPARE(seenHeader(r, "x-forwarded-proto"), QStringLiteral("http"));
    QCOMPARE(seenHeader(r, "x-forwarded-host"), QStringLiteral("api.example.com"));
    QCOMPARE(seenHeader(r, "x-forwarded-port"), QString::number(engine.proxyPort()));
    QCOMPARE(seenHeader(r, "x-custom"), QStringLiteral("keep me"));
    // Response headers come back as the upstream sent them, and APISIX's Server header with them.
    QCOMPARE(r.headers.value("x-upstream-port"), QByteArray::number(up->port()));
    QCOMPARE(r.headers.value("server"), QByteArray("APISIX/") + ClientSettings::kApisixVersion);
    QVERIFY(!r.headers.contains("x-apisix-upstream-status"));
}

void TestProxy::routesOnVars()
{
    // t/router/radixtree-uri-vars.t: the same uri, told apart by the request's arg_, http_ and cookie_ vars.
    auto json = startEchoUpstream();
    auto other = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/json", "{\"uri\":\"/v\",\"priority\":1,\"vars\":[[\"arg_format\",\"==\",\"json\"],"
                                                       "[\"http_x_tier\",\"in\",[\"gold\",\"silver\"]],[\"cookie_beta\",\"!\",\"==\",\"off\"]],"
                                                       "\"upstream\":{\"nodes\":" + nodesFor({json->port()}) + "}}"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/any", route("/v", "{\"nodes\":" + nodesFor({other->port()}) + "}")), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/v?format=json", {{"X-Tier", "gold"}}).status, 200);
    QCOMPARE(json->requestCount(), 1);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/v?format=json", {{"X-Tier", "bronze"}}).status, 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/v?format=json", {{"X-Tier", "gold"}, {"Cookie", "a=1; beta=off"}}).status, 200);
    QCOMPARE(json->requestCount(), 1);
    QCOMPARE(other->requestCount(), 2);
    // APISIX refuses an expression lua-resty-expr cannot compile.
    const TestResponse bad = engine.admin("PUT", "/apisix/admin/routes/bad", R"({"uri":"/b","vars":[["arg_x","=~","1"]],"upstream":{"nodes":{"127.0.0.1:1":1}}})");
    QCOMPARE(bad.status, 400);
    QCOMPARE(QJsonDocument::fromJson(bad.body).object().value("error_msg").toString(), QStringLiteral("failed to validate the 'vars' expression: invalid operator '=~'"));
}

void TestProxy::addsWhatApisixAdds()
{
    // apisix/init.lua http_header_filter_phase: Server in place of the upstream's, X-APISIX-Upstream-Status on
    // an upstream 5xx (nginx's $upstream_status), on local answers too; none of it when relaying as received.
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    TestResponse r = httpRequest(engine.proxyPort(), "GET", "/status/503");
    QCOMPARE(r.status, 503);
    QCOMPARE(r.headers.values("server"), QList<QByteArray>{QByteArray("APISIX/") + ClientSettings::kApisixVersion});
    QCOMPARE(r.headers.value("x-apisix-upstream-status"), QByteArray("503"));
    r = httpRequest(engine.proxyPort(), "GET", "/status/404");
    QVERIFY(!r.headers.contains("x-apisix-upstream-status")); // a 4xx is not shown
    r = httpRequest(engine.proxyPort(), "GET", "/", {{"Host", "nowhere.example"}});
    QCOMPARE(r.headers.value("server"), QByteArray("APISIX/") + ClientSettings::kApisixVersion); // no route: still
    QCOMPARE(engine.put("/apisix/admin/routes/2", route("/down", "{\"nodes\":{\"127.0.0.1:1\":1}}")), 201);
    r = httpRequest(engine.proxyPort(), "GET", "/down");
    QCOMPARE(r.status, 502);
    QCOMPARE(r.headers.value("x-apisix-upstream-status"), QByteArray("502"));

    ClientSettings tokens;
    QStringList problems;
    tokens.readApisix({{"enable_server_tokens", false}, {"show_upstream_status_in_response_header", true}}, &problems);
    QVERIFY(problems.isEmpty());
    TestEngine quiet(1, {}, tokens);
    QCOMPARE(quiet.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    r = httpRequest(quiet.proxyPort(), "GET", "/status/200");
    QCOMPARE(r.headers.value("server"), QByteArray("APISIX"));
    QCOMPARE(r.headers.value("x-apisix-upstream-status"), QByteArray("200")); // every status, as configured

    ClientSettings relay;
    relay.readApisix({{"relay_as_received", true}, {"version", 3}}, &problems);
    QCOMPARE(problems.size(), 1); // the version must be text: named, and the default kept
    TestEngine faithful(1, {}, relay);
    QCOMPARE(faithful.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    r = httpRequest(faithful.proxyPort(), "GET", "/status/503");
    QVERIFY(!r.headers.contains("server"));
    QVERIFY(!r.headers.contains("x-apisix-upstream-status"));
}

void TestProxy::charsetAsNginxAddsIt_data()
{
    // What nginx 1.22 with APISIX's `charset utf-8;` sent for these upstream answers (measured side by side).
    QTest::addColumn<QByteArray>("upstreamType");
    QTest::addColumn<QByteArray>("http"); // the workspace's http settings
    QTest::addColumn<QByteArray>("expected"); // the client's Content-Type; empty: none
    QTest::newRow("text/html") << QByteArray("text/html") << QByteArray("{}") << QByteArray("text/html; charset=utf-8");
    QTest::newRow("any case") << QByteArray("TEXT/Plain") << QByteArray("{}") << QByteArray("TEXT/Plain; charset=utf-8");
    QTest::newRow("javascript") << QByteArray("application/javascript") << QByteArray("{}") << QByteArray("application/javascript; charset=utf-8");
    QTest::newRow("json untouched") << QByteArray("application/json") << QByteArray("{}") << QByteArray("application/json");
    QTest::newRow("charset kept") << QByteArray("text/html; charset=latin1") << QByteArray("{}") << QByteArray("text/html; charset=latin1");
    QTest::newRow("none added") << QByteArray() << QByteArray("{}") << QByteArray();
    QTest::newRow("http.charset") << QByteArray("text/html") << QByteArray(R"({"charset":"koi8-r"})") << QByteArray("text/html; charset=koi8-r");
    QTest::newRow("http.charset off") << QByteArray("text/html") << QByteArray(R"({"charset":"off"})") << QByteArray("text/html");
}

void TestProxy::charsetAsNginxAddsIt()
{
    QFETCH(QByteArray, upstreamType);
    QFETCH(QByteArray, http);
    QFETCH(QByteArray, expected);
    const QByteArray typeLine = upstreamType.isEmpty() ? QByteArray() : "Content-Type: " + upstreamType + "\r\n";
    RawServer upstream("HTTP/1.1 200 OK\r\n" + typeLine + "Connection: close\r\nContent-Length: 2\r\n\r\nhi");
    QStringList problems;
    const ClientSettings settings = ClientSettings::fromJson(QJsonDocument::fromJson(http).object(), &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    TestEngine engine(1, {}, settings);
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({upstream.port()}) + "}")), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/x");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.headers.value("content-type"), expected);
    QCOMPARE(r.headers.contains("content-type"), !expected.isEmpty());
    QCOMPARE(r.body, QByteArray("hi"));
    if (expected.contains("charset=utf-8")) { // the inspector shows what was sent, and why
        QTRY_COMPARE(engine.engine().capture()->all().size(), 1);
        const ExchangePtr e = engine.engine().capture()->all().first();
        QCOMPARE(e->clientResponse.headers.value("content-type"), expected);
        QVERIFY(e->notes.join('\n').contains("charset=utf-8"));
    }
    // APISIX's own answers go through core.response.exit(), which sets no type: nginx's default_type.
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/routes/1").status, 200);
    const TestResponse none = httpRequest(engine.proxyPort(), "GET", "/x");
    QCOMPARE(none.status, 404);
    QCOMPARE(none.body, QByteArray("{\"error_msg\":\"404 Route Not Found\"}\n"));
    QCOMPARE(none.headers.value("content-type"), "text/plain" + settings.charsetSuffix());
}

void TestProxy::stripsHopByHopHeaders()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/x",
                                       {{"Connection", "keep-alive, X-Secret"}, {"X-Secret", "s"}, {"Keep-Alive", "timeout=5"},
                                        {"Proxy-Connection", "keep-alive"}, {"TE", "trailers"}, {"Upgrade", "h2c"}});
    QCOMPARE(r.status, 200);
    for (const char *h : {"connection", "x-secret", "keep-alive", "proxy-connection", "te", "upgrade"})
        QVERIFY2(!seesHeader(r, QLatin1String(h)), h);
}

void TestProxy::passHost_data()
{
    QTest::addColumn<QByteArray>("settings");
    QTest::addColumn<QString>("expected"); // %1 = node port
    QTest::newRow("pass (default)") << QByteArray("") << QStringLiteral("client.example");
    QTest::newRow("node") << QByteArray(",\"pass_host\":\"node\"") << QStringLiteral("127.0.0.1:%1");
    QTest::newRow("rewrite") << QByteArray(",\"pass_host\":\"rewrite\",\"upstream_host\":\"internal.svc\"") << QStringLiteral("internal.svc");
}

void TestProxy::passHost()
{
    QFETCH(QByteArray, settings);
    QFETCH(QString, expected);
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + settings + "}")), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/", {{"Host", "client.example"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(seenHeader(r, "host"), expected.contains("%1") ? expected.arg(up->port()) : expected);
}

void TestProxy::httpsUpstream()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend in this Qt");
    TlsUpstream up;
    QVERIFY(up.port() != 0);
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"scheme\":\"https\",\"pass_host\":\"rewrite\","
        "\"upstream_host\":\"localhost\",\"nodes\":" + nodesFor({up.port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    for (int i = 0; i < 3; ++i) {
        client.send("GET /secure HTTP/1.1\r\nHost: client.example\r\n\r\n");
        const TestResponse r = client.read();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("over tls, host localhost"));
    }
    QCOMPARE(up.connections(), 1); // one TLS connection, kept alive and reused
}

void TestProxy::weightedDistributionOver1000Requests()
{
    auto a = startEchoUpstream();
    auto b = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"type\":\"roundrobin\",\"nodes\":" + nodesFor({a->port(), b->port()}, {1, 3}) + "}")), 201);
    TestClient client(engine.proxyPort());
    int onB = 0;
    for (int i = 0; i < 1000; ++i) {
        client.send("GET /w HTTP/1.1\r\nHost: x\r\n\r\n");
        const TestResponse r = client.read();
        QVERIFY2(r.ok && r.status == 200, qPrintable(r.error));
        if (r.headers.value("x-upstream-port") == QByteArray::number(b->port()))
            ++onB;
    }
    QCOMPARE(onB, 750);
    QCOMPARE(a->requestCount() + b->requestCount(), 1000);
}

void TestProxy::chashKeepsClientOnOneNode()
{
    auto a = startEchoUpstream();
    auto b = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"type\":\"chash\",\"hash_on\":\"header\",\"key\":\"X-User\",\"nodes\":" + nodesFor({a->port(), b->port()}) + "}")), 201);
    QSet<QByteArray> ports;
    for (int user = 0; user < 20; ++user) {
        QByteArray first;
        for (int i = 0; i < 5; ++i) {
            const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/", {{"X-User", "u" + QByteArray::number(user)}});
            const QByteArray port = r.headers.value("x-upstream-port");
            if (first.isEmpty())
                first = port;
            QCOMPARE(port, first);
        }
        ports.insert(first);
    }
    QCOMPARE(ports.size(), 2);
}

void TestProxy::upstreamDownIs502()
{
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({closedPort()}) + "}")), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/");
    QCOMPARE(r.status, 502);
    QVERIFY(echoOf(r).value("error_msg").toString().startsWith("502 Bad Gateway"));
}

void TestProxy::retriesNextNodeOnConnectFailure()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({closedPort(), up->port()}) + "}")), 201);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/").status, 200);
    QCOMPARE(up->requestCount(), 10);
    // With retries 0 the dead node's share fails.
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"retries\":0,\"nodes\":" + nodesFor({closedPort(), up->port()}) + "}")), 200);
    int failed = 0;
    for (int i = 0; i < 10; ++i)
        failed += httpRequest(engine.proxyPort(), "GET", "/").status == 502;
    QCOMPARE(failed, 5);
}

void TestProxy::slowUpstreamIs504()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"timeout\":{\"connect\":1,\"send\":1,\"read\":30},\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    // The read timeout on the simulated clock: 30 s, and no wall time spent on it.
    QElapsedTimer wall;
    wall.start();
    TestClient c(engine.proxyPort());
    c.send("GET /delay/600000 HTTP/1.1\r\nHost: a\r\n\r\n");
    QTest::qWait(100); // (the upstream call is out)
    CoarseClock::advanceForTests(29000);
    QVERIFY(!c.read(false, 100).ok);
    CoarseClock::advanceForTests(2000);
    const TestResponse r = c.read(false, 3000);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 504);
    QVERIFY2(wall.elapsed() < 3000, qPrintable(QString::number(wall.elapsed())));
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/delay/10").status, 200);
}

void TestProxy::chunkedRequestBody()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    const TestResponse r = client.read();
    QCOMPARE(r.status, 200);
    QCOMPARE(echoOf(r).value("body").toString(), QStringLiteral("hello world"));
    QCOMPARE(seenHeader(r, "content-length"), QStringLiteral("11"));
    QVERIFY(!seesHeader(r, "transfer-encoding"));
}

void TestProxy::chunkedResponseRelayed()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    client.send("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
    const TestResponse r = client.read();
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(r.chunked);
    QCOMPARE(echoOf(r).value("path").toString(), QStringLiteral("/chunked"));
    // The connection stays usable after a chunked answer.
    client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(echoOf(client.read()).value("path").toString(), QStringLiteral("/after"));
}

void TestProxy::headAndNoBodyResponses()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    client.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
    TestResponse r = client.read(true);
    QCOMPARE(r.status, 200);
    QVERIFY(r.headers.value("content-length").toInt() > 0);
    QVERIFY(r.body.isEmpty());
    client.send("GET /status/204 HTTP/1.1\r\nHost: x\r\n\r\n");
    r = client.read();
    QCOMPARE(r.status, 204);
    client.send("GET /status/304 HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(client.read().status, 304);
    client.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(echoOf(client.read()).value("path").toString(), QStringLiteral("/ok"));
    QCOMPARE(up->requestCount(), 4); // each exactly once
}

void TestProxy::keepAliveReusesConnections()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    QSet<int> upstreamSidePorts;
    for (int i = 0; i < 5; ++i) { // separate client connections, one after another
        const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/k");
        QCOMPARE(r.status, 200);
        upstreamSidePorts.insert(echoOf(r).value("remote_port").toInt());
    }
    QCOMPARE(upstreamSidePorts.size(), 1); // one pooled upstream connection served them all
    // keepalive_pool.requests caps how often one connection is reused (a fresh upstream: no old pool).
    auto fresh = startEchoUpstream();
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"keepalive_pool\":{\"requests\":2},\"nodes\":" + nodesFor({fresh->port()}) + "}")), 200);
    upstreamSidePorts.clear();
    for (int i = 0; i < 6; ++i)
        upstreamSidePorts.insert(echoOf(httpRequest(engine.proxyPort(), "GET", "/k")).value("remote_port").toInt());
    QCOMPARE(upstreamSidePorts.size(), 3);
}

void TestProxy::pipelinedRequestsAnsweredInOrder()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/p/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    // The slow one first: answers must still come in request order. A 404 in the middle too.
    client.send("GET /p/delay/200 HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                "POST /p/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /p/3 HTTP/1.1\r\nHost: x\r\n\r\n");
    TestResponse r = client.read();
    QCOMPARE(echoOf(r).value("path").toString(), QStringLiteral("/p/delay/200"));
    QCOMPARE(client.read().status, 404);
    r = client.read();
    QCOMPARE(echoOf(r).value("path").toString(), QStringLiteral("/p/2"));
    QCOMPARE(echoOf(r).value("body").toString(), QStringLiteral("abc"));
    QCOMPARE(echoOf(client.read()).value("path").toString(), QStringLiteral("/p/3"));
}

void TestProxy::badInput_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::newRow("malformed request line") << QByteArray("GARBAGE\r\n\r\n") << 400;
    QTest::newRow("malformed header") << QByteArray("GET / HTTP/1.1\r\nHost x\r\n\r\n") << 400;
    QTest::newRow("headers too large") << (QByteArray("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ") + QByteArray(64 * 1024, 'a') + "\r\n\r\n") << 400;
    QTest::newRow("request line too large") << (QByteArray("GET /") + QByteArray(64 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n") << 414; // nginx: 414 Request-URI Too Large
    QTest::newRow("body over limit") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n") << 413;
    QTest::newRow("CL and TE (smuggling)") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << 400;
    QTest::newRow("two Content-Lengths") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") << 400;
    QTest::newRow("binary noise") << QByteArray("\x00\x01\x02\xff\xfe garbage\r\n\r\n", 16) << 400;
    // Issue 11: smuggling through names the upstream might read otherwise, and the Host rules.
    QTest::newRow("TE with a space before the colon") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 44\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("header line starting with a space") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\n Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n") << 400;
    QTest::newRow("chunk without its CRLF") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n") << 400;
    QTest::newRow("two Hosts") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n") << 400;
    QTest::newRow("no Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("invalid Host") << QByteArray("GET / HTTP/1.1\r\nHost: a/b@c\r\n\r\n") << 400;
}

void TestProxy::badInput()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    client.send(raw);
    const TestResponse r = client.read();
    QCOMPARE(r.status, status);
    QVERIFY(!echoOf(r).value("error_msg").toString().isEmpty());
    QCOMPARE(r.headers.value("connection"), QByteArray("close"));
    QVERIFY(client.waitClosed());
    QCOMPARE(up->requestCount(), 0);
    // The server is still fine.
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/fine").status, 200);
}

void TestProxy::absoluteFormAndTrailers()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    // The target's authority is the Host, and the upstream gets origin-form.
    client.send("GET http://abs.example/abs?q=1 HTTP/1.1\r\nHost: h\r\n\r\n");
    TestResponse r = client.read();
    QCOMPARE(r.status, 200);
    QCOMPARE(echoOf(r).value("uri").toString(), QStringLiteral("/abs?q=1"));
    QCOMPARE(seenHeader(r, "host"), QStringLiteral("abs.example"));
    // A trailer never becomes a header the upstream sees.
    client.send("POST /t HTTP/1.1\r\nHost: real.example\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nHost: injected.example\r\n\r\n");
    r = client.read();
    QCOMPARE(r.status, 200);
    QCOMPARE(seenHeader(r, "host"), QStringLiteral("real.example"));
    QCOMPARE(echoOf(r).value("body").toString(), QStringLiteral("abc"));
}

void TestProxy::routesOnTheNormalisedPath_data()
{
    QTest::addColumn<QByteArray>("target");
    for (const char *t : {"/public/../private/x", "/%70rivate/x", "//private/x", "/./private/x", "/private%2fx", "/public/%2e%2e/private/x"})
        QTest::newRow(t) << QByteArray(t);
}

void TestProxy::routesOnTheNormalisedPath()
{
    // Issue 11: a route-level guard on /private/* cannot be walked around; APISIX routes on nginx's $uri.
    QFETCH(QByteArray, target);
    auto privateUp = startEchoUpstream();
    auto publicUp = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/private", route("/private/*", "{\"nodes\":" + nodesFor({privateUp->port()}) + "}")), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/public", route("/*", "{\"nodes\":" + nodesFor({publicUp->port()}) + "}")), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", target);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.headers.value("x-upstream-port"), QByteArray::number(privateUp->port()));
    QCOMPARE(echoOf(r).value("uri").toString(), QString::fromLatin1(target)); // forwarded as sent, as nginx does
    QCOMPARE(publicUp->requestCount(), 0);
    // Climbing above the root is refused, as nginx refuses it.
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/../private/x").status, 400);
}

void TestProxy::pipelinedBehindAClosingUpstream()
{
    // Issue 11: an upstream that closes after each answer; the pipelined requests behind the first were 502.
    RawServer closing("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({closing.port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    client.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\n\r\n");
    for (int i = 0; i < 3; ++i) {
        const TestResponse r = client.read();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("ok"));
    }
}

void TestProxy::expectContinueIsAnsweredHere()
{
    // Issue 11: curl sends Expect by itself above 1 MiB; it gets its 100 from us, the upstream never sees Expect.
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    client.send("POST /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    QByteArray interim;
    QTRY_VERIFY_WITH_TIMEOUT((interim += client.socket().readAll()).size() >= 25, 3000);
    QCOMPARE(interim, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
    client.send("hello");
    const TestResponse r = client.read();
    QCOMPARE(r.status, 200);
    QCOMPARE(echoOf(r).value("body").toString(), QStringLiteral("hello"));
    QVERIFY(!seesHeader(r, "expect"));
    // With the body already there, no interim answer.
    client.send("POST /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
    const TestResponse second = client.read();
    QCOMPARE(second.status, 200);
    QCOMPARE(echoOf(second).value("body").toString(), QStringLiteral("ok"));
}

void TestProxy::upstreamInterimAndBodilessResponses_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("100 then 200") << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") << 200 << QByteArray("ok");
    QTest::newRow("103 then 200") << QByteArray("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") << 200 << QByteArray("ok");
    QTest::newRow("304 with a Content-Length") << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n") << 304 << QByteArray();
    QTest::newRow("204 with a Content-Length") << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n") << 204 << QByteArray();
    // The bytes it may not have are neither relayed nor read as the next answer: that connection is not reused.
    QTest::newRow("204 followed by body bytes") << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello") << 204 << QByteArray();
    QTest::newRow("304 followed by body bytes") << QByteArray("HTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 200 OK\r\n\r\n") << 304 << QByteArray();
}

void TestProxy::upstreamInterimAndBodilessResponses()
{
    QFETCH(QByteArray, answer);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    RawServer upstream(answer, false);
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({upstream.port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    for (int i = 0; i < 3; ++i) { // the same answer each time, on one client connection
        client.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
        const TestResponse r = client.read(false, 3000); // at once, not after the read timeout
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.status, status);
        QCOMPARE(r.body, body);
    }
    QVERIFY(!client.socket().waitForReadyRead(100)); // and nothing more came on it
}

void TestProxy::malformedUpstreamIs502()
{
    RawServer garbage("NOT HTTP AT ALL\r\n\r\n");
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({garbage.port()}) + "}")), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/");
    QCOMPARE(r.status, 502);
}

void TestProxy::truncatedUpstreamBodyCutsTheConnection()
{
    RawServer shortBody("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({shortBody.port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const TestResponse r = client.read();
    QVERIFY(!r.ok); // never a complete-looking response with a short body
    QVERIFY(client.waitClosed());
}

void TestProxy::liveConfigChange()
{
    auto a = startEchoUpstream();
    auto b = startEchoUpstream();
    TestEngine engine;
    TestClient client(engine.proxyPort()); // a connection opened before the change sees it too
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/live", "{\"nodes\":" + nodesFor({a->port()}) + "}")), 201);
    client.send("GET /live HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(client.read().headers.value("x-upstream-port"), QByteArray::number(a->port()));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/live", "{\"nodes\":" + nodesFor({b->port()}) + "}")), 200);
    client.send("GET /live HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(client.read().headers.value("x-upstream-port"), QByteArray::number(b->port()));
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/routes/1").status, 200);
    client.send("GET /live HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(client.read().status, 404);
}

void TestProxy::disabledRouteAndMissingUpstream()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", "{\"uri\":\"/d\",\"status\":0,\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/d").status, 404);
    QCOMPARE(engine.put("/apisix/admin/routes/2", "{\"uri\":\"/nou\",\"plugins\":{\"cors\":{}}}"), 201); // plugins, no upstream
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/nou").status, 503);
    // A balancer APISIX does not have: stored (its schema takes any type), and 500 at run time as there.
    QCOMPARE(engine.put("/apisix/admin/routes/3", "{\"uri\":\"/odd\",\"upstream\":{\"type\":\"random\",\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/odd").status, 500);
}

void TestProxy::http10Client()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    TestClient client(engine.proxyPort());
    client.send("GET /chunked HTTP/1.0\r\nHost: x\r\n\r\n");
    const TestResponse r = client.read();
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(!r.chunked); // an HTTP/1.0 client cannot take chunks: the body ends with the connection
    QCOMPARE(echoOf(r).value("path").toString(), QStringLiteral("/chunked"));
    QVERIFY(client.waitClosed());
}

void TestProxy::severalWorkers()
{
    auto up = startEchoUpstream();
    TestEngine engine(3);
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    for (int i = 0; i < 12; ++i)
        QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/w").status, 200);
}

void TestProxy::stopsWithRequestsInFlight()
{
    auto up = startEchoUpstream();
    QList<TestClient *> clients;
    {
        TestEngine engine(2);
        QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
        for (int i = 0; i < 6; ++i) {
            clients << new TestClient(engine.proxyPort());
            clients.last()->send("GET /delay/2000 HTTP/1.1\r\nHost: x\r\n\r\n"); // upstream calls in flight
        }
        QTRY_COMPARE(up->requestCount(), 6);
    } // the engine stops with six exchanges half-way: no crash, every client is let go
    for (TestClient *c : clients) {
        QVERIFY(c->waitClosed());
        delete c;
    }
}

void TestProxy::randomBytesNeverHurt()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", "{\"nodes\":" + nodesFor({up->port()}) + "}")), 201);
    QRandomGenerator rng(20261127); // fixed seed: the same bytes every run
    const QByteArray valid = "GET /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
    for (int i = 0; i < 300; ++i) {
        QByteArray bytes;
        if (i % 2) { // a valid request with a few bytes flipped
            bytes = valid;
            for (int k = 0; k < 1 + i % 4; ++k)
                bytes[rng.bounded(int(bytes.size()))] = char(rng.bounded(256));
        } else { // noise
            bytes.resize(1 + rng.bounded(200));
            for (char &c : bytes)
                c = char(rng.bounded(256));
        }
        TestClient client(engine.proxyPort());
        client.send(bytes);
        client.socket().disconnectFromHost();
    }
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/still-fine").status, 200);
    QCOMPARE(engine.admin("GET", "/apisix/admin/routes").status, 200);
}

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
