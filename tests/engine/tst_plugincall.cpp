// One ext-plugin phase against the runner (PluginCall with RunnerClient), without a socket: the runner is
// FakeRunner behind RunnerLink and time is simulated, so its timeouts are the real 60 s and cost no wall
// time. The same rules on a real socket and through the proxy: tst_runnerprotocol.
#include "coarseclock.h"
#include "fakerunner.h"
#include "plugincall.h"

#include <QElapsedTimer>
#include <QTest>

namespace {
using Answer = TestRunner::Answer;
constexpr quint8 P = Frame::PrepareConf, REQ = Frame::HttpReqCall, X = Frame::ExtraInfo;
const QByteArray kKey = "route#1#ext-plugin-pre-req#1";

PluginCallSpec spec(const QByteArray &key = kKey)
{
    PluginCallSpec s;
    s.plugin = QStringLiteral("ext-plugin-pre-req");
    s.tokenKey = key;
    s.conf = {{"noop", QByteArray("{}")}};
    s.callType = Frame::HttpReqCall;
    s.buildCall = [](quint32 token, QString *error) {
        Runner::HttpReqCallReq req;
        req.id = 7;
        req.method = quint8(Runner::methodCode("GET"));
        req.path = "/x";
        req.confToken = token;
        return Runner::encodeFrame(req, error);
    };
    return s;
}

// A worker's runner client on the fake, with the endpoint's default timeouts (60 s a call, 1 s to connect).
struct Rig
{
    explicit Rig(TestRunner::Script script)
        : runner(std::move(script)), endpoint(std::make_shared<RunnerEndpoint>(settings())),
          client(endpoint, nullptr, runner.factory())
    {
        endpoint->setSocketPath(QStringLiteral("/fake/runner.sock"));
    }
    static RunnerSettings settings()
    {
        RunnerSettings s;
        s.socketPath = QStringLiteral("/fake/runner.sock");
        return s;
    }

    FakeRunner runner;
    std::shared_ptr<RunnerEndpoint> endpoint;
    RunnerClient client;
};

// Starts one call and records its single outcome.
struct Call
{
    Call(Rig &rig, PluginCallSpec s = spec()) : call(&rig.client)
    {
        call.start(std::move(s), &frames, nullptr, [this](PluginCallOutcome o) {
            ++reports;
            outcome = std::move(o);
        });
    }
    bool waitDone(int ms = 2000) { return QTest::qWaitFor([this] { return reports > 0; }, ms); }

    PluginCall call;
    QList<RunnerFrameRecord> frames;
    PluginCallOutcome outcome;
    int reports = 0;
};
} // namespace

class TestPluginCall : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { CoarseClock::simulateForTests(); }
    void preparesOnceThenCallsOnTheSameConnection();
    void confTokenNotFoundIsRetriedThreeTimesInAll();
    void silentRunnerTimesOutAfterSixtySeconds();
    void runnerLostMidCall();
    void unknownFrameHeaderFailsAtOnce();
    void extraInfoAnsweredLater();
    void twoCallsPrepareOnce();
    void refusedRunnerIsKnownDownUntilTheProbe();
    void anotherProcessGetsNoOldToken();
};

void TestPluginCall::preparesOnceThenCallsOnTheSameConnection()
{
    Rig rig(&TestRunner::standard);
    for (int i = 0; i < 3; ++i) {
        Call c(rig);
        QVERIFY(c.waitDone());
        QVERIFY2(c.outcome.ok, qPrintable(c.outcome.error));
        QCOMPARE(c.reports, 1);
        QCOMPARE(c.frames.size(), i == 0 ? 4 : 2); // PrepareConf both ways, then the call both ways
    }
    QCOMPARE(rig.runner.received(), (QList<quint8>{P, REQ, REQ, REQ}));
    QCOMPARE(rig.runner.connections(), 1); // given back and taken again
}

void TestPluginCall::confTokenNotFoundIsRetriedThreeTimesInAll()
{
    Rig rig([](const DecodedFrame &f) {
        return f.type == REQ ? TestRunner::err(Runner::ErrCode::ConfTokenNotFound) : TestRunner::standard(f);
    });
    Call c(rig);
    QVERIFY(c.waitDone());
    QVERIFY(!c.outcome.ok);
    QCOMPARE(c.outcome.error, QStringLiteral("the runner answered RPC_ERROR CONF_TOKEN_NOT_FOUND (after 3 attempts)"));
    QCOMPARE(rig.runner.received(), (QList<quint8>{P, REQ, P, REQ, P, REQ}));
    QCOMPARE(rig.runner.connections(), 1);
}

void TestPluginCall::silentRunnerTimesOutAfterSixtySeconds()
{
    Rig rig([](const DecodedFrame &f) { return f.type == REQ ? Answer{} : TestRunner::standard(f); });
    QElapsedTimer wall;
    wall.start();
    Call c(rig);
    QTRY_COMPARE(rig.runner.received().size(), 2); // the call is out
    CoarseClock::advanceForTests(59000);
    QTest::qWait(20);
    QCOMPARE(c.reports, 0);
    CoarseClock::advanceForTests(2000);
    QVERIFY(c.waitDone());
    QCOMPARE(c.outcome.error, QStringLiteral("the runner did not answer within 60 s"));
    // (A real timer fires at 1.5 s: the connect step's, which the call's later deadline only pushes back.)
    QVERIFY2(wall.elapsed() < 1000, qPrintable(QString::number(wall.elapsed())));
    // The connection that timed out is not reused.
    Call next(rig);
    QTRY_COMPARE(rig.runner.connections(), 2);
}

void TestPluginCall::runnerLostMidCall()
{
    Rig rig([](const DecodedFrame &f) { return f.type == REQ ? Answer{{}, true} : TestRunner::standard(f); });
    Call c(rig);
    QVERIFY(c.waitDone());
    QCOMPARE(c.outcome.error, QStringLiteral("the runner closed the connection"));
    QCOMPARE(c.reports, 1);
    Call next(rig);
    QVERIFY(next.waitDone());
    QCOMPARE(rig.runner.connections(), 2);
}

void TestPluginCall::unknownFrameHeaderFailsAtOnce()
{
    // Type 9 with a 16 MiB length: not worth waiting for its payload.
    Rig rig([](const DecodedFrame &f) { return f.type == REQ ? Answer{{}, false, QByteArray("\x09\xff\xff\xff", 4)} : TestRunner::standard(f); });
    QElapsedTimer wall;
    wall.start();
    Call c(rig);
    QVERIFY(c.waitDone());
    QVERIFY2(c.outcome.error.contains("9"), qPrintable(c.outcome.error));
    QVERIFY(wall.elapsed() < 1000);
}

void TestPluginCall::extraInfoAnsweredLater()
{
    int step = 0;
    Rig rig([&step](const DecodedFrame &f) -> Answer {
        if (f.type == REQ)
            return TestRunner::reply(X, Runner::encode(Runner::ExtraInfoReq{Runner::ExtraInfoReq::Kind::ReqBody, {}}));
        if (f.type == X) { // the gateway's answer: the runner replies to the call now
            ++step;
            QString e;
            const auto answer = Runner::decodeExtraInfoResp(f.payload, &e);
            Runner::HttpReqCallResp resp;
            resp.id = 7;
            resp.action = Runner::HttpReqCallResp::Action::Stop;
            resp.stop.status = 418;
            resp.stop.body = answer && answer->result ? *answer->result : QByteArray("none");
            return TestRunner::reply(REQ, Runner::encode(resp));
        }
        return TestRunner::standard(f);
    });
    PluginCallSpec s = spec();
    s.extraInfo = [](const Runner::ExtraInfoReq &ask) {
        ExtraInfoAnswer a;
        a.later = ask.kind == Runner::ExtraInfoReq::Kind::ReqBody; // the body is still coming
        return a;
    };
    Call c(rig, s);
    QTRY_VERIFY(c.call.awaitsExtraInfo());
    QCOMPARE(c.reports, 0);
    c.call.answerExtraInfo(QByteArray("the body"));
    QVERIFY(c.waitDone());
    QVERIFY2(c.outcome.ok, qPrintable(c.outcome.error));
    QString e;
    const auto reply = Runner::decodeHttpReqCallResp(c.outcome.reply, &e);
    QVERIFY2(reply, qPrintable(e));
    QCOMPARE(reply->stop.status, 418);
    QCOMPARE(reply->stop.body, QByteArray("the body"));
    QCOMPARE(step, 1);
    QCOMPARE(rig.runner.received(), (QList<quint8>{P, REQ, X}));
}

void TestPluginCall::twoCallsPrepareOnce()
{
    Rig rig(&TestRunner::standard);
    Call first(rig);
    Call second(rig); // the same key while the first prepares it: waits for its token
    QVERIFY(first.waitDone());
    QVERIFY(second.waitDone());
    QVERIFY(first.outcome.ok);
    QVERIFY2(second.outcome.ok, qPrintable(second.outcome.error));
    QCOMPARE(rig.runner.received().count(P), 1);
    QCOMPARE(rig.runner.received().count(REQ), 2);
    QCOMPARE(rig.runner.connections(), 2);
}

void TestPluginCall::refusedRunnerIsKnownDownUntilTheProbe()
{
    Rig rig(&TestRunner::standard);
    rig.runner.setRefusing(true);
    Call c(rig);
    QVERIFY(c.waitDone());
    QVERIFY2(c.outcome.error.contains("connection refused"), qPrintable(c.outcome.error));
    Call atOnce(rig); // known down: fails before any connect
    QCOMPARE(atOnce.reports, 1);
    QVERIFY2(atOnce.outcome.error.contains("connection refused"), qPrintable(atOnce.outcome.error));
    rig.runner.setRefusing(false);
    CoarseClock::advanceForTests(RunnerEndpoint::kProbeMs + 1100); // one call is let through to look again
    Call probe(rig);
    QVERIFY(probe.waitDone());
    QVERIFY2(probe.outcome.ok, qPrintable(probe.outcome.error));
    QCOMPARE(rig.runner.connections(), 1);
}

void TestPluginCall::anotherProcessGetsNoOldToken()
{
    // Each reply ends its connection, so every call connects anew and the endpoint sees who answered.
    Rig rig([](const DecodedFrame &f) {
        Answer a = TestRunner::standard(f);
        a.close = f.type == REQ;
        return a;
    });
    for (int i = 0; i < 2; ++i) { // the same process again: its token holds
        Call c(rig);
        QVERIFY(c.waitDone());
        QVERIFY2(c.outcome.ok, qPrintable(c.outcome.error));
    }
    QCOMPARE(rig.runner.received(), (QList<quint8>{P, REQ, REQ}));
    rig.runner.setPid(4343); // another process behind the socket: its token 1 may mean another conf
    Call c(rig);
    QVERIFY(c.waitDone());
    QVERIFY2(c.outcome.ok, qPrintable(c.outcome.error));
    QCOMPARE(rig.runner.received(), (QList<quint8>{P, REQ, REQ, P, REQ}));
    QCOMPARE(rig.runner.connections(), 3);
}

QTEST_GUILESS_MAIN(TestPluginCall)
#include "tst_plugincall.moc"
