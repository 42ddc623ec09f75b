#pragma once

#include "configstore.h"
#include "engine.h"
#include "httpserver.h"

#include <QJsonObject>
#include <QTcpSocket>
#include <QThread>

#include <functional>
#include <memory>

struct TestResponse
{
    bool ok = false;          // a whole response was read
    QString error;
    int status = 0;
    HttpHeaders headers;
    QByteArray body;
    bool chunked = false;
};

// A blocking HTTP client for tests: raw bytes out, parsed responses in.
class TestClient
{
public:
    explicit TestClient(quint16 port);
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &raw);
    TestResponse read(bool headRequest = false, int timeoutMs = 10000);
    // True when the server closes the connection within the time.
    bool waitClosed(int timeoutMs = 5000);
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    QByteArray m_pending;
};

// One request on a fresh connection.
TestResponse httpRequest(quint16 port, const QByteArray &method, const QByteArray &target,
                         const QList<std::pair<QByteArray, QByteArray>> &headers = {}, const QByteArray &body = {});

// An HTTP server on 127.0.0.1:0 running on its own thread (tests block their own thread on sockets).
class TestServer
{
public:
    explicit TestServer(HttpServer::Handler handler);
    ~TestServer();
    quint16 port() const { return m_port; }
    int requestCount() const { return m_count.loadAcquire(); }

private:
    QThread m_thread;
    HttpServer *m_server = nullptr;
    quint16 m_port = 0;
    std::shared_ptr<QAtomicInt> m_countPtr;
    QAtomicInt &m_count;
};

// The demo upstream (echo, /status/N, /delay/MS, /chunked) as a TestServer.
std::unique_ptr<TestServer> startEchoUpstream();

// A raw TCP server on its own thread that answers every connection with the given bytes once it has
// received a request head (for malformed or truncated upstream answers); empty bytes: never answers.
class RawServer
{
public:
    explicit RawServer(QByteArray answer, bool closeAfter = true);
    ~RawServer();
    quint16 port() const { return m_port; }
    // Request heads received, over all connections.
    int requestCount() const { return m_requests.loadAcquire(); }

private:
    QAtomicInt m_requests;
    QThread m_thread;
    QObject *m_server = nullptr;
    quint16 m_port = 0;
};

// An engine on loopback port 0 with admin key "test-key".
class TestEngine
{
public:
    // `captureBudget`: the capture's memory budget in bytes (0: the default).
    explicit TestEngine(int workers = 1, RunnerSettings runner = {}, ClientSettings client = {}, qint64 captureBudget = 0);
    explicit TestEngine(const EngineOptions &options); // e.g. options() with streamRoutes set
    static EngineOptions options(int workers = 1, RunnerSettings runner = {}, ClientSettings client = {}, qint64 captureBudget = 0);
    ~TestEngine();
    quint16 proxyPort() const { return m_engine.proxyPort(); }
    quint16 adminPort() const { return m_engine.adminPort(); }
    ConfigStore &store() { return m_store; }
    Engine &engine() { return m_engine; }
    TestResponse admin(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                       const QByteArray &key = "test-key");
    // PUT a route/upstream and QVERIFY-friendly: returns the status.
    int put(const QByteArray &path, const QByteArray &json) { return admin("PUT", path, json).status; }

private:
    ConfigStore m_store;
    Engine m_engine;
};

QByteArray nodesFor(const QList<quint16> &ports, const QList<int> &weights = {});

// The demo runner built beside the tests (ctest sets ROUTESCOPE_DEMO_RUNNER), started as a workspace starts it.
QString demoRunnerPath();
RunnerSettings demoRunner();
// Waits (QVERIFY-style) until the engine's runner process listens.
void waitReady(TestEngine &engine);

// The demo upstream's echo of the request, and what it says the upstream saw.
QJsonObject echoOf(const TestResponse &r);
QString seenHeader(const TestResponse &r, const QString &name);
bool seesHeader(const TestResponse &r, const QString &name);
// A loopback port where nothing listens.
quint16 closedPort();
