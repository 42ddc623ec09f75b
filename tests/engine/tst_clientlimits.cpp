// The proxy's client timeouts (inactivity, nginx's directives) and its cap on open connections, on real
// loopback sockets; and, with a real `routescope serve` under a small descriptor limit, no busy loop at EMFILE.
#include "coarseclock.h"
#include "testhttp.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {
QByteArray route(const QByteArray &uri, quint16 port)
{
    return "{\"uri\":\"" + uri + "\",\"upstream\":{\"nodes\":" + nodesFor({port}) + "}}";
}

const QByteArray kGet = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";

// Wall time for the engine's thread to take what was sent, or what the clock's move made due.
constexpr int kSettleMs = 100;

// Sends `pieces` one after the other, the clock moved on `gapMs` between two; false once the server has
// closed the connection.
bool drip(TestClient &c, const QList<QByteArray> &pieces, int gapMs)
{
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        if (i > 0) {
            if (c.waitClosed(kSettleMs / 4)) // (reads and drops what comes: nothing does before the end)
                return false;
            CoarseClock::advanceForTests(gapMs);
        }
        c.send(pieces.at(i));
    }
    return true;
}

QList<QByteArray> bytesOf(const QByteArray &text)
{
    QList<QByteArray> bytes;
    for (char ch : text)
        bytes.append(QByteArray(1, ch));
    return bytes;
}

qint64 cpuTicks(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = f.readAll().split(')').last().split(' ');
    return fields.value(12).toLongLong() + fields.value(13).toLongLong(); // utime, stime after "(comm)"
}
} // namespace

class TestClientLimits : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void settingsFromTheWorkspace();
    void slowBodyThatKeepsSendingIsServed();
    void silentBodyIsClosed();
    void headHasOneTimeoutWhole();
    void keepAliveIdleIsClosed();
    void clientThatTakesNothingIsClosed();
    void connectionsPastTheCapWait();
    void noBusyLoopWhenOutOfDescriptors();
};

void TestClientLimits::settingsFromTheWorkspace()
{
    QStringList problems;
    ClientSettings s = ClientSettings::fromJson(QJsonObject{{"client_header_timeout", "5s"}, {"client_body_timeout", 7},
                                                            {"keepalive_timeout", "1500ms"}, {"send_timeout", "2m"},
                                                            {"worker_connections", 64}, {"charset", "off"}}, &problems);
    QVERIFY(problems.isEmpty());
    QCOMPARE(s.charset(), QByteArray());
    QCOMPARE(s.toJson().value("charset").toString(), QStringLiteral("off"));
    QCOMPARE(s.headerTimeoutMs, 5000);
    QCOMPARE(s.bodyTimeoutMs, 7000);
    QCOMPARE(s.keepAliveTimeoutMs, 1500);
    QCOMPARE(s.sendTimeoutMs, 120000);
    QCOMPARE(s.maxConnections, 64);
    QCOMPARE(ClientSettings::fromJson(s.toJson(), &problems).keepAliveTimeoutMs, 1500);

    s = ClientSettings::fromJson(QJsonObject{{"send_timeout", "soon"}, {"worker_connections", 0}, {"keepalive_timeout", -1},
                                             {"charset", "utf 8; x"}}, &problems);
    QCOMPARE(problems.size(), 4);
    QCOMPARE(s.charset(), QByteArray("utf-8"));
    QVERIFY2(problems.first().contains("http.keepalive_timeout"), qPrintable(problems.join('\n')));
    QCOMPARE(s.sendTimeoutMs, ClientSettings().sendTimeoutMs); // the default is kept
    QCOMPARE(s.maxConnections, ClientSettings().maxConnections);
    // APISIX's defaults.
    QCOMPARE(ClientSettings().keepAliveTimeoutMs, 60000);
    QCOMPARE(ClientSettings().sendTimeoutMs, 10000);
    QCOMPARE(ClientSettings().maxConnections, 10620);
    QCOMPARE(ClientSettings().charsetSuffix(), QByteArray("; charset=utf-8"));
}

void TestClientLimits::initTestCase()
{
    CoarseClock::simulateForTests();
}

// The timeouts are nginx's (60 s each): the clock is moved on, no wall time is spent waiting for them.
void TestClientLimits::slowBodyThatKeepsSendingIsServed()
{
    auto up = startEchoUpstream();
    TestEngine engine(1);
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", up->port())), 201);
    TestClient c(engine.proxyPort());
    QElapsedTimer wall;
    wall.start();
    c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n");
    // 12 bytes 25 s apart: 5 minutes in all, far past the 60 s timeouts, but never silent for 60 s.
    QVERIFY2(drip(c, bytesOf("hello, world"), 25000), "closed while the body was still coming");
    const TestResponse r = c.read();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    QCOMPARE(echoOf(r).value("body").toString(), QStringLiteral("hello, world"));
    QVERIFY2(wall.elapsed() < 30000, qPrintable(QString::number(wall.elapsed())));
}

void TestClientLimits::silentBodyIsClosed()
{
    auto up = startEchoUpstream();
    TestEngine engine(1);
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", up->port())), 201);
    TestClient c(engine.proxyPort());
    c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nhello");
    QVERIFY(!c.waitClosed(kSettleMs));
    QElapsedTimer wall;
    wall.start();
    CoarseClock::advanceForTests(59000);
    QVERIFY(!c.waitClosed(kSettleMs));
    CoarseClock::advanceForTests(2000); // past client_body_timeout's 60 s
    QVERIFY(c.waitClosed(3000));
    QVERIFY2(wall.elapsed() < 3000, qPrintable(QString::number(wall.elapsed())));
    QCOMPARE(up->requestCount(), 0); // no answer, as nginx: nothing went upstream
}

void TestClientLimits::headHasOneTimeoutWhole()
{
    TestEngine engine(1);
    TestClient c(engine.proxyPort());
    // A head sent a piece every 11 s is never silent for long, but is not whole within 60 s: closed.
    QVERIFY(drip(c, {"GET /x HTTP/1.1\r\n", "Host: a\r\n", "X-Slow: a", "aaa", "aaa\r\n"}, 11000));
    QVERIFY(!c.waitClosed(kSettleMs));
    CoarseClock::advanceForTests(11000); // 55 s since the first byte: not yet
    QVERIFY(!c.waitClosed(kSettleMs));
    CoarseClock::advanceForTests(6000);
    QVERIFY(c.waitClosed(3000));
}

void TestClientLimits::keepAliveIdleIsClosed()
{
    auto up = startEchoUpstream();
    TestEngine engine(1);
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", up->port())), 201);
    TestClient c(engine.proxyPort());
    for (int i = 0; i < 3; ++i) { // each request starts the 60 s idle time anew
        c.send(kGet);
        QCOMPARE(c.read().status, 200);
        QVERIFY(!c.waitClosed(kSettleMs));
        CoarseClock::advanceForTests(50000);
        QVERIFY(!c.waitClosed(kSettleMs));
    }
    CoarseClock::advanceForTests(11000);
    QVERIFY(c.waitClosed(3000));
}

void TestClientLimits::clientThatTakesNothingIsClosed()
{
    auto up = startEchoUpstream();
    TestEngine engine(1);
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", up->port())), 201);
    TestClient c(engine.proxyPort());
    c.send("GET /bytes/67108864 HTTP/1.1\r\nHost: a\r\n\r\n");
    QThread::msleep(1500); // reading nothing: the kernel's buffers fill, and the engine gives up on us
    // after send_timeout's 10 s; the first expiry may find that the buffers took more since it was armed.
    for (int i = 0; i < 2; ++i) {
        CoarseClock::advanceForTests(11000);
        QThread::msleep(kSettleMs);
    }
    QElapsedTimer clock;
    clock.start();
    qint64 got = 0;
    while (c.socket().state() == QAbstractSocket::ConnectedState && clock.elapsed() < 10000) {
        c.socket().waitForReadyRead(100);
        got += c.socket().readAll().size();
    }
    got += c.socket().readAll().size();
    QVERIFY2(c.socket().state() != QAbstractSocket::ConnectedState, "still connected after 10 s of reading");
    // What the kernels held when the engine closed, not the 64 MiB of the answer.
    QVERIFY2(got < 32 * 1024 * 1024, qPrintable(QString::number(got)));
}

void TestClientLimits::connectionsPastTheCapWait()
{
    auto up = startEchoUpstream();
    ClientSettings s;
    s.maxConnections = 2;
    TestEngine engine(1, {}, s);
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("/*", up->port())), 201);
    auto first = std::make_unique<TestClient>(engine.proxyPort());
    TestClient second(engine.proxyPort());
    for (TestClient *c : {first.get(), &second}) {
        c->send(kGet);
        QCOMPARE(c->read().status, 200);
    }
    TestClient third(engine.proxyPort()); // connected by the kernel's backlog, not taken
    third.send(kGet);
    QVERIFY(!third.read(false, 400).ok);
    first.reset(); // a place frees: the third is taken and answered
    const TestResponse r = third.read();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.status, 200);
    second.send(kGet);
    QCOMPARE(second.read().status, 200);
}

void TestClientLimits::noBusyLoopWhenOutOfDescriptors()
{
    if (QStandardPaths::findExecutable(QStringLiteral("prlimit")).isEmpty())
        QSKIP("prlimit (util-linux) is not installed");
    QTemporaryDir dir;
    const quint16 proxy = closedPort(), admin = closedPort();
    QProcess serve;
    serve.setProcessChannelMode(QProcess::MergedChannels);
    serve.start(QStringLiteral("prlimit"),
                {QStringLiteral("--nofile=64:64"), QCoreApplication::applicationDirPath() + QStringLiteral("/../bin/routescope"),
                 QStringLiteral("serve"), QStringLiteral("--workspace"), dir.filePath(QStringLiteral("ws.json")),
                 QStringLiteral("--proxy"), QStringLiteral("127.0.0.1:%1").arg(proxy), QStringLiteral("--admin"),
                 QStringLiteral("127.0.0.1:%1").arg(admin), QStringLiteral("--demo-upstream"), QStringLiteral("off"),
                 QStringLiteral("--runner-socket"), dir.filePath(QStringLiteral("none.sock"))});
    QVERIFY(serve.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += serve.readAll()).contains("serving"), 10000);
    QVERIFY2(output.contains("the descriptor limit is 64"), output.constData());
    // Twice the descriptors it has: the backlog fills and accept() fails with EMFILE.
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    for (int i = 0; i < 120; ++i) {
        clients.push_back(std::make_unique<QTcpSocket>());
        clients.back()->connectToHost(QHostAddress::LocalHost, proxy);
        clients.back()->waitForConnected(1000);
    }
    QTRY_VERIFY_WITH_TIMEOUT((output += serve.readAll()).contains("too many open files"), 5000);
    const qint64 before = cpuTicks(serve.processId());
    QTest::qWait(1000);
    const qint64 used = cpuTicks(serve.processId()) - before;
    QVERIFY2(used >= 0 && used < 20, qPrintable(QStringLiteral("%1 clock ticks of CPU in one second").arg(used)));
    clients.clear(); // descriptors free up: it accepts and answers again
    QTRY_VERIFY_WITH_TIMEOUT(httpRequest(proxy, "GET", "/nothing-here").status == 404, 10000);
    serve.terminate();
    QVERIFY(serve.waitForFinished(5000));
}

QTEST_GUILESS_MAIN(TestClientLimits)
#include "tst_clientlimits.moc"
