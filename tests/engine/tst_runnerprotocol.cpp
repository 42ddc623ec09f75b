// The gateway side of the runner protocol against a scripted runner: token rules, retries, and every
// way a runner can fail (PROTOCOL.md sections 3, 4 and 10).
#include "coarseclock.h"
#include "testhttp.h"
#include "testrunner.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QJsonObject>
#include <QTest>

namespace {
using Answer = TestRunner::Answer;

RunnerSettings at(const TestRunner &runner, int timeoutMs = 60000, int expireSeconds = 3600)
{
    RunnerSettings s;
    s.socketPath = runner.path();
    s.timeoutMs = timeoutMs;
    s.confExpireSeconds = expireSeconds;
    return s;
}

QByteArray route(const QByteArray &plugins, quint16 port)
{
    return "{\"uri\":\"/*\",\"plugins\":" + plugins + ",\"upstream\":{\"nodes\":{\"127.0.0.1:" + QByteArray::number(port) + "\":1}}}";
}

QString errorOf(const TestResponse &r)
{
    return QJsonDocument::fromJson(r.body).object().value("error_msg").toString();
}

const QList<quint8> PC = {Frame::PrepareConf};
constexpr quint8 P = Frame::PrepareConf, REQ = Frame::HttpReqCall, RESP = Frame::HttpRespCall, X = Frame::ExtraInfo;
} // namespace

class TestRunnerProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { CoarseClock::simulateForTests(); }
    void threePluginsPrepareInOrder();
    void tokensAreCachedPerRouteVersion();
    void tokenExpiry();
    void confTokenNotFoundIsRetried();
    void confTokenNotFoundGivesUpAfterThreeAttempts();
    void badRequestOnPrepareConfIs503();
    void runnerClosingMidCall_data();
    void runnerClosingMidCall();
    void runnerNeverAnswers();
    void garbageFromRunner_data();
    void garbageFromRunner();
    void concurrentRequestsPrepareOnce();
    void extraInfoIsAnsweredMidCall();
    void oversizedMessageIsRefused();
    void unknownFrameHeaderFailsAtOnce();
    void runnerKnownDownFailsAtOnce();
    void runnerBackBehindTheSameSocketGetsNewTokens();
    void anotherRunnerProcessBehindTheSocketGetsNewTokens();
};

void TestRunnerProtocol::threePluginsPrepareInOrder()
{
    auto up = startEchoUpstream();
    TestRunner runner(TestRunner::standard);
    TestEngine engine(1, at(runner));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-pre-req\":{},\"ext-plugin-post-req\":{},\"ext-plugin-post-resp\":{}}", up->port())), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/").status, 200);
    QCOMPARE(runner.received(), (QList<quint8>{P, REQ, P, REQ, P, RESP}));
}

void TestRunnerProtocol::tokensAreCachedPerRouteVersion()
{
    auto up = startEchoUpstream();
    TestRunner runner(TestRunner::standard);
    TestEngine engine(1, at(runner));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/").status, 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/").status, 200);
    QCOMPARE(runner.received(), (QList<quint8>{P, RESP, RESP}));
    // Editing the route bumps its version: the next request prepares again.
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"a\",\"value\":\"b\"}]}}", up->port())), 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/").status, 200);
    QCOMPARE(runner.received(), (QList<quint8>{P, RESP, RESP, P, RESP}));
}

void TestRunnerProtocol::tokenExpiry()
{
    auto up = startEchoUpstream();
    TestRunner runner(TestRunner::standard);
    TestEngine engine(1, at(runner, 60000, 1));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/").status, 200);
    CoarseClock::advanceForTests(1100); // past the token's 1 s: no wall time spent
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/").status, 200);
    QCOMPARE(runner.received(), (QList<quint8>{P, RESP, P, RESP}));
}

void TestRunnerProtocol::confTokenNotFoundIsRetried()
{
    auto up = startEchoUpstream();
    std::atomic<int> calls{0};
    TestRunner runner([&calls](const DecodedFrame &f) {
        if (f.type == RESP && calls++ == 0)
            return TestRunner::err(Runner::ErrCode::ConfTokenNotFound); // e.g. the runner restarted
        return TestRunner::standard(f);
    });
    TestEngine engine(1, at(runner));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/").status, 200);
    QCOMPARE(runner.received(), (QList<quint8>{P, RESP, P, RESP}));
}

void TestRunnerProtocol::confTokenNotFoundGivesUpAfterThreeAttempts()
{
    auto up = startEchoUpstream();
    TestRunner runner([](const DecodedFrame &f) {
        return f.type == RESP ? TestRunner::err(Runner::ErrCode::ConfTokenNotFound) : TestRunner::standard(f);
    });
    TestEngine engine(1, at(runner));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/");
    QCOMPARE(r.status, 503);
    QVERIFY2(errorOf(r).contains("CONF_TOKEN_NOT_FOUND (after 3 attempts)"), qPrintable(errorOf(r)));
    QCOMPARE(runner.received(), (QList<quint8>{P, RESP, P, RESP, P, RESP}));
}

void TestRunnerProtocol::badRequestOnPrepareConfIs503()
{
    auto up = startEchoUpstream();
    TestRunner runner([](const DecodedFrame &) { return TestRunner::err(Runner::ErrCode::BadRequest); });
    TestEngine engine(1, at(runner));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-pre-req\":{}}", up->port())), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/");
    QCOMPARE(r.status, 503);
    QVERIFY(errorOf(r).contains("RPC_ERROR BAD_REQUEST"));
    QCOMPARE(runner.received(), PC); // only CONF_TOKEN_NOT_FOUND is retried
    QCOMPARE(up->requestCount(), 0);
}

void TestRunnerProtocol::runnerClosingMidCall_data()
{
    QTest::addColumn<bool>("degrade");
    QTest::newRow("fail closed") << false;
    QTest::newRow("allow_degradation") << true;
}

void TestRunnerProtocol::runnerClosingMidCall()
{
    QFETCH(bool, degrade);
    auto up = startEchoUpstream();
    TestRunner runner([](const DecodedFrame &f) {
        if (f.type == RESP) // asks for the body, then hangs up before answering
            return Answer{{{X, Runner::encode(Runner::ExtraInfoReq{Runner::ExtraInfoReq::Kind::RespBody, {}})}}, true};
        return TestRunner::standard(f);
    });
    TestEngine engine(1, at(runner));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route(degrade ? "{\"ext-plugin-post-resp\":{\"allow_degradation\":true}}" : "{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/mid");
    if (degrade) {
        QCOMPARE(r.status, 200);
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value("path").toString(), QStringLiteral("/mid"));
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
    } else {
        QCOMPARE(r.status, 503);
        QVERIFY2(errorOf(r).contains("closed the connection"), qPrintable(errorOf(r)));
    }
}

void TestRunnerProtocol::runnerNeverAnswers()
{
    auto up = startEchoUpstream();
    TestRunner runner([](const DecodedFrame &f) { return f.type == RESP ? Answer{} : TestRunner::standard(f); });
    TestEngine engine(1, at(runner)); // the call's timeout is 60 s, on the simulated clock
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    QElapsedTimer wall;
    wall.start();
    for (int i = 1; i <= 2; ++i) {
        TestClient c(engine.proxyPort());
        c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        QTRY_COMPARE(runner.received().count(RESP), i); // the call is out
        CoarseClock::advanceForTests(59000);
        QVERIFY(!c.read(false, 100).ok);
        CoarseClock::advanceForTests(2000);
        const TestResponse r = c.read(false, 3000);
        QCOMPARE(r.status, 503);
        QVERIFY2(errorOf(r).contains("did not answer within 60 s"), qPrintable(errorOf(r)));
    }
    QVERIFY2(wall.elapsed() < 3000, qPrintable(QString::number(wall.elapsed())));
    // The timed-out connection was not reused: the second call was on a fresh one.
    QCOMPARE(runner.connections(), 2);
}

void TestRunnerProtocol::garbageFromRunner_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("unverifiable buffer") << 0;
    QTest::newRow("wrong reply type") << 1;
    QTest::newRow("unknown frame type") << 2;
    QTest::newRow("raw bytes, no framing") << 3;
}

void TestRunnerProtocol::garbageFromRunner()
{
    QFETCH(int, kind);
    auto up = startEchoUpstream();
    TestRunner runner([kind](const DecodedFrame &f) {
        if (f.type != RESP)
            return TestRunner::standard(f);
        switch (kind) {
        case 0: return TestRunner::reply(RESP, QByteArray("\xff\xff\xff\x7f garbage that is no flatbuffer", 33));
        case 1: return TestRunner::reply(REQ, Runner::encode(Runner::HttpReqCallResp{}));
        case 2: return TestRunner::reply(9, QByteArray("x"));
        default: return Answer{{{255, QByteArray()}}, false};
        }
    });
    TestEngine engine(1, at(runner, 500));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/");
    QCOMPARE(r.status, 503);
    QVERIFY(!errorOf(r).isEmpty());
    // The engine lives on, and a route without plugins is unaffected.
    QCOMPARE(engine.put("/apisix/admin/routes/2", "{\"uri\":\"/plain\",\"upstream\":{\"nodes\":{\"127.0.0.1:" + QByteArray::number(up->port()) + "\":1}}}"), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/plain").status, 200);
}

void TestRunnerProtocol::concurrentRequestsPrepareOnce()
{
    auto up = startEchoUpstream();
    TestRunner runner([](const DecodedFrame &f) {
        if (f.type == P)
            QThread::msleep(200); // a slow PrepareConf: the other requests arrive meanwhile
        return TestRunner::standard(f);
    });
    TestEngine engine(1, at(runner));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    QList<TestClient *> clients;
    for (int i = 0; i < 5; ++i) {
        clients.append(new TestClient(engine.proxyPort()));
        clients.last()->send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    for (TestClient *c : clients) {
        QCOMPARE(c->read().status, 200);
        delete c;
    }
    QCOMPARE(runner.received().count(P), 1);
    QCOMPARE(runner.received().count(RESP), 5);
}

void TestRunnerProtocol::extraInfoIsAnsweredMidCall()
{
    auto up = startEchoUpstream();
    std::shared_ptr<QList<QByteArray>> answers = std::make_shared<QList<QByteArray>>();
    auto step = std::make_shared<int>(0);
    TestRunner runner([answers, step](const DecodedFrame &f) {
        if (f.type == RESP)
            return TestRunner::reply(X, Runner::encode(Runner::ExtraInfoReq{Runner::ExtraInfoReq::Kind::Var, "request_method"}));
        if (f.type == X) {
            QString e;
            answers->append(Runner::decodeExtraInfoResp(f.payload, &e)->result.value_or("(absent)"));
            if ((*step)++ == 0)
                return TestRunner::reply(X, Runner::encode(Runner::ExtraInfoReq{Runner::ExtraInfoReq::Kind::ReqBody, {}}));
            Runner::HttpRespCallResp done;
            done.body = "answered";
            return TestRunner::reply(RESP, Runner::encode(done));
        }
        return TestRunner::standard(f);
    });
    TestEngine engine(1, at(runner));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "DELETE", "/");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("answered"));
    QCOMPARE(*answers, (QList<QByteArray>{"DELETE", "(absent)"}));
}

void TestRunnerProtocol::oversizedMessageIsRefused()
{
    auto up = startEchoUpstream();
    TestRunner runner([](const DecodedFrame &f) {
        if (f.type == RESP)
            return TestRunner::reply(X, Runner::encode(Runner::ExtraInfoReq{Runner::ExtraInfoReq::Kind::RespBody, {}}));
        return TestRunner::standard(f);
    });
    TestEngine engine(1, at(runner));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/bytes/17000000");
    QCOMPARE(r.status, 503);
    QVERIFY2(errorOf(r).contains("exceeds the protocol limit of 16777215 bytes"), qPrintable(errorOf(r)));
}

void TestRunnerProtocol::unknownFrameHeaderFailsAtOnce()
{
    // A header of a type no message has, announcing 16 MiB that never come: no reason to wait for them.
    auto up = startEchoUpstream();
    TestRunner runner([](const DecodedFrame &f) {
        if (f.type != RESP)
            return TestRunner::standard(f);
        Answer a;
        a.raw = QByteArray("\x09\xff\xff\xff", 4);
        return a;
    });
    TestEngine engine(1, at(runner, 60000));
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    QElapsedTimer clock;
    clock.start();
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/");
    QCOMPARE(r.status, 503);
    QVERIFY2(errorOf(r).contains("unknown type 9 (announcing 16777215 bytes)"), qPrintable(errorOf(r)));
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
}

void TestRunnerProtocol::runnerKnownDownFailsAtOnce()
{
    // Nothing listens: the first request waits for the connect timeout, the next ones fail at once.
    auto up = startEchoUpstream();
    QTemporaryDir dir;
    RunnerSettings s;
    s.socketPath = dir.filePath("nobody.sock");
    s.connectTimeoutMs = 400;
    TestEngine engine(1, s);
    QCOMPARE(engine.put("/apisix/admin/routes/1", route("{\"ext-plugin-post-resp\":{}}", up->port())), 201);
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/").status, 503);
    QVERIFY(clock.elapsed() >= 350);
    clock.restart();
    for (int i = 0; i < 50; ++i) {
        const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/");
        QCOMPARE(r.status, 503);
        if (i == 0)
            QVERIFY2(errorOf(r).contains("the runner has been unreachable for"), qPrintable(errorOf(r)));
    }
    // 50 requests in much less than 50 connect timeouts (one probe a second may wait for its own).
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
}

void TestRunnerProtocol::runnerBackBehindTheSameSocketGetsNewTokens()
{
    // A runner started by the user (--runner-socket) stops and another starts on the same path: the old
    // tokens mean other confs in the new one, so every one of them is dropped.
    auto up = startEchoUpstream();
    QTemporaryDir dir;
    const QString path = dir.filePath("r.sock");
    auto first = std::make_unique<TestRunner>(TestRunner::standard, path);
    RunnerSettings s;
    s.socketPath = path;
    s.connectTimeoutMs = 200;
    TestEngine engine(1, s);
    QCOMPARE(engine.put("/apisix/admin/routes/1", "{\"uri\":\"/one\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"a\",\"value\":\"1\"}]}},\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/2", "{\"uri\":\"/two\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"b\",\"value\":\"2\"}]}},\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/one").status, 200); // token 1 = route 1's conf
    first.reset();
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/two").status, 503); // refused: down
    TestRunner second(TestRunner::standard, path);
    QElapsedTimer clock;
    clock.start();
    while (httpRequest(engine.proxyPort(), "GET", "/two").status != 200 && clock.elapsed() < 5000) { // token 1 = route 2's conf
        CoarseClock::advanceForTests(1000); // known down: looked at again a second later
        QTest::qWait(10);
    }
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/one").status, 200);
    QCOMPARE(second.received(), (QList<quint8>{P, RESP, P, RESP})); // route 1 prepared again, not called with 1
}

void TestRunnerProtocol::anotherRunnerProcessBehindTheSocketGetsNewTokens()
{
    // The same with real processes and no request in between: the runner's pid tells it is another one.
    auto up = startEchoUpstream();
    QTemporaryDir dir;
    const QString path = dir.filePath("demo.sock");
    const QString program = demoRunnerPath();
    const auto startRunner = [&](QProcess &p) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("APISIX_LISTEN_ADDRESS", "unix:" + path);
        p.setProcessEnvironment(env);
        p.start(program, {});
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), 5000);
    };
    QProcess a;
    startRunner(a);
    RunnerSettings s;
    s.socketPath = path;
    TestEngine engine(1, s);
    const auto routeWith = [&](const QByteArray &uri, const QByteArray &value) {
        return "{\"uri\":\"" + uri + "\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"ext-plugin-A\",\"value\":\"" + value
            + "\"}]}},\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}";
    };
    QCOMPARE(engine.put("/apisix/admin/routes/1", routeWith("/one", "one")), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/2", routeWith("/two", "two")), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/one").headers.value("x-ext-plugin-a-conf"), QByteArray("one"));
    a.terminate();
    QVERIFY(a.waitForFinished(5000));
    QFile::remove(path);
    QProcess b;
    startRunner(b);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/two").headers.value("x-ext-plugin-a-conf"), QByteArray("two"));
    // Called with the old runner's token 1, the new runner would have answered with route 2's conf.
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/one").headers.value("x-ext-plugin-a-conf"), QByteArray("one"));
    b.terminate();
    QVERIFY(b.waitForFinished(5000));
}

QTEST_GUILESS_MAIN(TestRunnerProtocol)
#include "tst_runnerprotocol.moc"
