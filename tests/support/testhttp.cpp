#include "testhttp.h"

#include "demoupstream.h"
#include "responseparser.h"
#include "runnerprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTest>

TestClient::TestClient(quint16 port)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    m_socket.waitForConnected(5000);
}

void TestClient::send(const QByteArray &raw)
{
    m_socket.write(raw);
    m_socket.waitForBytesWritten(5000);
}

TestResponse TestClient::read(bool headRequest, int timeoutMs)
{
    TestResponse out;
    ResponseParser parser;
    parser.reset(headRequest);
    parser.onHead = [&out](HttpResponseHead &&head) {
        out.status = head.status;
        out.headers = head.headers;
    };
    parser.onBody = [&out](const char *data, qsizetype size) { out.body.append(data, size); };
    QElapsedTimer clock;
    clock.start();
    while (true) {
        if (!m_pending.isEmpty()) {
            qsizetype consumed = 0;
            const auto r = parser.feed(m_pending, &consumed);
            m_pending.remove(0, consumed);
            if (r == ResponseParser::Result::Complete) {
                out.ok = true;
                out.chunked = parser.framing() == ResponseParser::BodyFraming::Chunked;
                return out;
            }
            if (r == ResponseParser::Result::Error) {
                out.error = QString::fromUtf8(parser.errorText());
                return out;
            }
        }
        const int left = timeoutMs - int(clock.elapsed());
        if (left <= 0) {
            out.error = QStringLiteral("timed out");
            return out;
        }
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(left)) {
            if (m_socket.state() != QAbstractSocket::ConnectedState) {
                out.ok = parser.finish() == ResponseParser::Result::Complete;
                if (!out.ok)
                    out.error = QStringLiteral("connection closed: ") + QString::fromUtf8(parser.errorText());
                return out;
            }
            continue;
        }
        m_pending += m_socket.readAll();
    }
}

bool TestClient::waitClosed(int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (m_socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < timeoutMs) {
        m_socket.waitForReadyRead(50);
        m_socket.readAll();
    }
    return m_socket.state() != QAbstractSocket::ConnectedState;
}

TestResponse httpRequest(quint16 port, const QByteArray &method, const QByteArray &target,
                         const QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &body)
{
    TestClient client(port);
    QByteArray raw = method + ' ' + target + " HTTP/1.1\r\n";
    bool hasHost = false;
    for (const auto &[name, value] : headers) {
        raw += name + ": " + value + "\r\n";
        hasHost = hasHost || headerNameIs(name, "host");
    }
    if (!hasHost)
        raw += "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    if (!body.isNull())
        raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    raw += "\r\n" + body;
    client.send(raw);
    return client.read(method == "HEAD");
}

TestServer::TestServer(HttpServer::Handler handler)
    : m_countPtr(std::make_shared<QAtomicInt>(0)), m_count(*m_countPtr)
{
    m_thread.start();
    auto counter = m_countPtr;
    m_server = new HttpServer([handler, counter](const LocalRequest &r) {
        counter->fetchAndAddRelease(1);
        return handler(r);
    }, RequestParser::Limits{});
    m_server->moveToThread(&m_thread);
    QMetaObject::invokeMethod(m_server, [this] {
        m_server->listen(QHostAddress::LocalHost, 0);
        m_port = m_server->serverPort();
    }, Qt::BlockingQueuedConnection);
}

TestServer::~TestServer()
{
    QMetaObject::invokeMethod(m_server, [this] { m_server->close(); m_server->deleteLater(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

std::unique_ptr<TestServer> startEchoUpstream()
{
    auto port = std::make_shared<quint16>(0);
    auto server = std::make_unique<TestServer>([port](const LocalRequest &r) { return demoUpstreamReply(r, *port); });
    *port = server->port();
    return server;
}

RawServer::RawServer(QByteArray answer, bool closeAfter)
{
    m_thread.start();
    auto *server = new QTcpServer;
    server->moveToThread(&m_thread);
    m_server = server;
    QMetaObject::invokeMethod(server, [this, server, answer, closeAfter] {
        QObject::connect(server, &QTcpServer::newConnection, server, [this, server, answer, closeAfter] {
            while (QTcpSocket *s = server->nextPendingConnection()) {
                auto *received = new QByteArray;
                QObject::connect(s, &QObject::destroyed, [received] { delete received; });
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, received, answer, closeAfter] {
                    *received += s->readAll();
                    if (!received->contains("\r\n\r\n"))
                        return;
                    m_requests.fetchAndAddRelease(1);
                    if (answer.isEmpty()) {
                        received->clear();
                        return;
                    }
                    s->write(answer);
                    received->clear();
                    if (closeAfter)
                        s->disconnectFromHost();
                });
                QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        server->listen(QHostAddress::LocalHost, 0);
        m_port = server->serverPort();
    }, Qt::BlockingQueuedConnection);
}

RawServer::~RawServer()
{
    QMetaObject::invokeMethod(m_server, [this] { m_server->deleteLater(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

EngineOptions TestEngine::options(int workers, RunnerSettings runner, ClientSettings client, qint64 captureBudget)
{
    EngineOptions options;
    if (captureBudget > 0)
        options.capture.budgetBytes = captureBudget;
    options.client = client;
    options.runner = runner;
    options.proxy = QStringLiteral("127.0.0.1:0");
    options.admin = QStringLiteral("127.0.0.1:0");
    options.workers = workers;
    options.adminKey = "test-key";
    options.limits.maxBodyBytes = 1024 * 1024;
    return options;
}

TestEngine::TestEngine(int workers, RunnerSettings runner, ClientSettings client, qint64 captureBudget)
    : TestEngine(options(workers, std::move(runner), std::move(client), captureBudget))
{
}

TestEngine::TestEngine(const EngineOptions &options)
    : m_engine(&m_store)
{
    const QString error = m_engine.start(options);
    if (!error.isEmpty())
        qFatal("engine did not start: %s", qPrintable(error));
}

TestEngine::~TestEngine()
{
    m_engine.stop();
}

TestResponse TestEngine::admin(const QByteArray &method, const QByteArray &path, const QByteArray &body, const QByteArray &key)
{
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (!key.isEmpty())
        headers.append({"X-API-KEY", key});
    return httpRequest(adminPort(), method, path, headers, body.isEmpty() && method == "GET" ? QByteArray() : body);
}

QByteArray nodesFor(const QList<quint16> &ports, const QList<int> &weights)
{
    QByteArray out = "{";
    for (int i = 0; i < ports.size(); ++i) {
        if (i)
            out += ',';
        out += "\"127.0.0.1:" + QByteArray::number(ports[i]) + "\":" + QByteArray::number(weights.isEmpty() ? 1 : weights[i]);
    }
    return out + '}';
}

QJsonObject echoOf(const TestResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

bool seesHeader(const TestResponse &r, const QString &name)
{
    for (const QJsonValue &h : echoOf(r).value(QStringLiteral("headers")).toArray())
        if (h.toArray()[0].toString().compare(name, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QString seenHeader(const TestResponse &r, const QString &name)
{
    for (const QJsonValue &h : echoOf(r).value(QStringLiteral("headers")).toArray())
        if (h.toArray()[0].toString().compare(name, Qt::CaseInsensitive) == 0)
            return h.toArray()[1].toString();
    return {};
}

quint16 closedPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort(); // closed when `s` goes
}

QString demoRunnerPath()
{
    const QString env = qEnvironmentVariable("ROUTESCOPE_DEMO_RUNNER");
    return env.isEmpty() ? QCoreApplication::applicationDirPath() + QStringLiteral("/../bin/routescope-demo-runner") : env;
}

RunnerSettings demoRunner()
{
    RunnerSettings s;
    s.cmd = {demoRunnerPath()};
    return s;
}

void waitReady(TestEngine &engine)
{
    QVERIFY(engine.engine().runnerProcess());
    QTRY_VERIFY_WITH_TIMEOUT(!engine.engine().runnerEndpoint()->socketPath().isEmpty(), 5000);
}
