// Exchanges played without sockets, playbook style: events go into an Exchange, and the actions that
// come out (recorded by a fake ExchangeIo) are compared with what production does, one line per action.
// Each exchange must end exactly once and reach the capture once, whatever ends it.
#include "capturestore.h"
#include "clientsettings.h"
#include "configstore.h"
#include "exchange.h"
#include "requestparser.h"
#include "runnermessages.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

// The world as an exchange sees it: every action is one line of `trace`.
class FakeIo : public ExchangeIo
{
public:
    QStringList trace;
    QByteArray wire;          // everything sent to the client
    PluginCallSpec lastCall;  // the runner call in progress
    int attempts = 0;

    void sendHead(QByteArray head) override
    {
        wire += head;
        trace << "head " + QString::fromLatin1(head.left(head.indexOf('\r')).mid(9)); // "head 200 OK"
    }
    void send(const char *data, qsizetype size) override
    {
        wire.append(data, size);
        trace << QStringLiteral("send %1").arg(size);
    }
    void send(const QByteArray &data) override { send(data.constData(), data.size()); }
    void startUpstream(std::shared_ptr<const UpstreamSpec>, UpstreamCall::Request request) override
    {
        attempts = 1;
        trace << "upstream " + QString::fromLatin1(request.head.left(request.head.indexOf('\r')));
    }
    void resumeUpstream() override { trace << QStringLiteral("resume upstream"); }
    UpstreamFacts upstreamFacts(bool) const override
    {
        return attempts ? UpstreamFacts{attempts, {}, QStringLiteral("127.0.0.1:1980"), "127.0.0.1:1980"} : UpstreamFacts{};
    }
    void callRunner(PluginCallSpec spec, QList<RunnerFrameRecord> *, const QElapsedTimer *) override
    {
        trace << "runner " + spec.plugin;
        lastCall = std::move(spec);
    }
    void answerExtraInfo(const std::optional<QByteArray> &value) override
    {
        trace << QStringLiteral("extra info %1 bytes").arg(value ? value->size() : -1);
    }
    void stopRunner() override { trace << QStringLiteral("stop runner"); }
    void callNextTurn() override { trace << QStringLiteral("next turn"); }
};

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

HttpRequest parsed(const QByteArray &bytes)
{
    RequestParser parser(RequestLimits{});
    qsizetype consumed = 0;
    if (parser.feed(bytes, &consumed) != RequestParser::Result::Complete)
        qFatal("test request does not parse: %s", bytes.constData());
    return parser.takeRequest();
}

PluginCallOutcome replied(const Runner::HttpReqCallResp &reply) { return {true, Runner::encode(reply), {}}; }
PluginCallOutcome replied(const Runner::HttpRespCallResp &reply) { return {true, Runner::encode(reply), {}}; }

HttpResponseHead responseHead(int status, const QByteArray &reason = "OK")
{
    HttpResponseHead head;
    head.status = status;
    head.reason = reason;
    head.headers.add("Content-Type", "text/plain");
    return head;
}

QByteArray ext(const char *plugin)
{
    return QByteArray("\"") + plugin + "\":{\"conf\":[{\"name\":\"demo\",\"value\":\"{}\"}]}";
}

} // namespace

class TestExchange : public QObject
{
    Q_OBJECT

    ConfigStore m_store;
    ClientSettings m_settings;
    ConnectionInfo m_info;
    std::unique_ptr<CaptureStore> m_capture;
    std::unique_ptr<ExchangeContext> m_context;
    FakeIo m_io;

    std::unique_ptr<Exchange> start(const QByteArray &requestBytes)
    {
        auto exchange = std::make_unique<Exchange>(m_io, *m_context);
        exchange->request(parsed(requestBytes), m_store.snapshot());
        return exchange;
    }
    QList<ExchangePtr> captured()
    {
        m_capture->flush();
        return m_capture->all();
    }

private slots:
    void init()
    {
        m_io = FakeIo();
        m_capture = std::make_unique<CaptureStore>();
        m_info.peer = QHostAddress::LocalHost;
        m_info.peerPort = 50000;
        m_info.peerText = "127.0.0.1";
        m_info.localPortText = "9080";
        m_context = std::make_unique<ExchangeContext>(ExchangeContext{m_settings, m_capture.get(), m_info});
        const QByteArray node = "\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}";
        QCOMPARE(m_store.put(ResourceKind::Route, "plain", object("{\"uri\":\"/plain\"," + node + "}")).status / 100, 2);
        QCOMPARE(m_store.put(ResourceKind::Route, "pre", object("{\"uri\":\"/pre\"," + node + ",\"plugins\":{" + ext("ext-plugin-pre-req") + "}}")).status / 100, 2);
        QCOMPARE(m_store.put(ResourceKind::Route, "post", object("{\"uri\":\"/post\"," + node + ",\"plugins\":{" + ext("ext-plugin-post-resp") + "}}")).status / 100, 2);
    }

    void plainRouteStreamsTheUpstreamAnswer()
    {
        auto e = start("GET /plain?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        QCOMPARE(m_io.trace, QStringList{"upstream GET /plain?x=1 HTTP/1.1"});
        QCOMPARE(e->upstreamBodyPace(), Exchange::BodyPace::ClientPace);
        e->upstreamHead(responseHead(200), ResponseParser::BodyFraming::Length, 5);
        e->upstreamBody("hello", 5);
        QVERIFY(!e->isOver());
        e->upstreamDone();
        QCOMPARE(m_io.trace, (QStringList{"upstream GET /plain?x=1 HTTP/1.1", "head 200 OK", "send 5"}));
        QVERIFY(e->isOver());
        QCOMPARE(e->after(), Exchange::After::KeepAlive);
        QVERIFY(m_io.wire.contains("Content-Length: 5\r\n"));
        const auto records = captured();
        QCOMPARE(records.size(), 1);
        QCOMPARE(records[0]->routeId, QStringLiteral("plain"));
        QCOMPARE(records[0]->clientResponse.body, QByteArray("hello"));
        QCOMPARE(records[0]->upstreamAddress, QStringLiteral("127.0.0.1:1980"));
    }

    void noRouteIs404WithoutUpstream()
    {
        auto e = start("GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n");
        QCOMPARE(m_io.trace.first(), QStringLiteral("head 404 Not Found"));
        QVERIFY(e->isOver());
        QVERIFY(m_io.wire.endsWith("{\"error_msg\":\"404 Route Not Found\"}\n"));
        QCOMPARE(captured().size(), 1);
    }

    void refusedRequestAnswersAndCloses()
    {
        Exchange e(m_io, *m_context);
        e.refused(400, "invalid header name");
        QVERIFY(e.isOver());
        QCOMPARE(e.after(), Exchange::After::CloseAfterFlush);
        QCOMPARE(m_io.trace.first(), QStringLiteral("head 400 Bad Request"));
        QVERIFY(m_io.wire.contains("Connection: close\r\n"));
        const auto records = captured();
        QCOMPARE(records.size(), 1);
        QCOMPARE(records[0]->errorStep, QStringLiteral("reading the request"));
    }

    void preReqStopAnswersWithoutUpstream()
    {
        auto e = start("GET /pre HTTP/1.1\r\nHost: h\r\n\r\n");
        QCOMPARE(m_io.trace, QStringList{"runner ext-plugin-pre-req"});
        Runner::HttpReqCallResp stop;
        stop.action = Runner::HttpReqCallResp::Action::Stop;
        stop.stop.status = 403;
        stop.stop.body = "no";
        e->runnerDone(replied(stop));
        QCOMPARE(m_io.trace, (QStringList{"runner ext-plugin-pre-req", "head 403 Forbidden", "send 2"}));
        QVERIFY(e->isOver());
        QVERIFY(captured()[0]->modifiedByRunner);
    }

    void preReqRewriteGoesUpstreamRewritten()
    {
        auto e = start("GET /pre HTTP/1.1\r\nHost: h\r\n\r\n");
        Runner::HttpReqCallResp rewrite;
        rewrite.action = Runner::HttpReqCallResp::Action::Rewrite;
        rewrite.rewrite.path = "/elsewhere";
        e->runnerDone(replied(rewrite));
        QCOMPARE(m_io.trace.last(), QStringLiteral("upstream GET /elsewhere HTTP/1.1"));
        QVERIFY(!e->isOver());
    }

    void runnerFailureIs503()
    {
        auto e = start("GET /pre HTTP/1.1\r\nHost: h\r\n\r\n");
        e->runnerDone({false, {}, QStringLiteral("the runner closed the connection")});
        QCOMPARE(m_io.trace.last(), QStringLiteral("send %1").arg(m_io.wire.size() - m_io.wire.indexOf("\r\n\r\n") - 4));
        QCOMPARE(m_io.trace.at(1), QStringLiteral("head 503 Service Temporarily Unavailable"));
        QVERIFY(e->isOver());
        QCOMPARE(captured()[0]->errorStep, QStringLiteral("ext-plugin-pre-req"));
    }

    // Post-resp: the runner is called on the next turn after the head (the body waits in the upstream),
    // a no-change reply streams the body through, at the client's pace.
    void postRespKeptBodyStreamsThrough()
    {
        auto e = start("GET /post HTTP/1.1\r\nHost: h\r\n\r\n");
        e->upstreamHead(responseHead(200), ResponseParser::BodyFraming::Length, 10);
        QCOMPARE(m_io.trace.last(), QStringLiteral("next turn"));
        QCOMPARE(e->upstreamBodyPace(), Exchange::BodyPace::Hold);
        e->nextTurn();
        QCOMPARE(m_io.trace.last(), QStringLiteral("runner ext-plugin-post-resp"));
        e->runnerDone(replied(Runner::HttpRespCallResp{}));
        QCOMPARE(m_io.trace.mid(3), (QStringList{"head 200 OK", "resume upstream"}));
        QCOMPARE(e->upstreamBodyPace(), Exchange::BodyPace::ClientPace);
        e->upstreamBody("0123456789", 10);
        e->upstreamDone();
        QVERIFY(e->isOver());
        QVERIFY(m_io.wire.contains("Content-Length: 10\r\n"));
        QVERIFY(m_io.wire.endsWith("0123456789"));
    }

    // The runner asks for the body: it is read whole (ReadAll) on the next turn, then given to it.
    void postRespRespBodyIsReadWholeThenAnswered()
    {
        auto e = start("GET /post HTTP/1.1\r\nHost: h\r\n\r\n");
        e->upstreamHead(responseHead(200), ResponseParser::BodyFraming::Length, 4);
        e->nextTurn();
        const ExtraInfoAnswer answer = m_io.lastCall.extraInfo({Runner::ExtraInfoReq::Kind::RespBody, {}});
        QVERIFY(answer.later);
        QCOMPARE(e->upstreamBodyPace(), Exchange::BodyPace::ReadAll);
        QCOMPARE(m_io.trace.last(), QStringLiteral("next turn"));
        e->nextTurn();
        QCOMPARE(m_io.trace.last(), QStringLiteral("resume upstream"));
        e->upstreamBody("body", 4);
        e->upstreamDone();
        QCOMPARE(m_io.trace.last(), QStringLiteral("extra info 4 bytes"));
        Runner::HttpRespCallResp reply;
        reply.body = "BODY!";
        e->runnerDone(replied(reply));
        QVERIFY(e->isOver());
        QVERIFY(m_io.wire.endsWith("\r\n\r\nBODY!"));
    }

    // HEAD on a post-resp route answers the GET's length, with no body.
    void postRespHeadKeepsTheLength()
    {
        auto e = start("HEAD /post HTTP/1.1\r\nHost: h\r\n\r\n");
        e->upstreamHead(responseHead(200), ResponseParser::BodyFraming::None, 175);
        e->upstreamDone(); // bodiless: the runner is called at once
        QCOMPARE(m_io.trace.last(), QStringLiteral("runner ext-plugin-post-resp"));
        e->runnerDone(replied(Runner::HttpRespCallResp{}));
        QVERIFY(e->isOver());
        QVERIFY(m_io.wire.contains("Content-Length: 175\r\n"));
        QVERIFY(m_io.wire.endsWith("\r\n\r\n"));
    }

    void upstreamFailureBeforeTheHeadIs502()
    {
        auto e = start("GET /plain HTTP/1.1\r\nHost: h\r\n\r\n");
        e->upstreamFailed(502, QStringLiteral("connection refused"), false);
        QCOMPARE(m_io.trace.at(1), QStringLiteral("head 502 Bad Gateway"));
        QVERIFY(e->isOver());
        QCOMPARE(e->after(), Exchange::After::KeepAlive);
        QVERIFY(m_io.wire.contains("X-APISIX-Upstream-Status: 502\r\n"));
    }

    void upstreamFailureAfterTheHeadCutsTheAnswerShort()
    {
        auto e = start("GET /plain HTTP/1.1\r\nHost: h\r\n\r\n");
        e->upstreamHead(responseHead(200), ResponseParser::BodyFraming::Length, 100);
        e->upstreamBody("part", 4);
        e->upstreamFailed(502, QStringLiteral("the upstream closed the connection"), true);
        QVERIFY(e->isOver());
        QCOMPARE(e->after(), Exchange::After::CloseNow);
        QCOMPARE(captured()[0]->errorStep, QStringLiteral("upstream"));
    }

    // A post-resp call about an answer that will not come is stopped, and the client gets the 502.
    void upstreamFailureDuringPostRespStopsTheRunner()
    {
        auto e = start("GET /post HTTP/1.1\r\nHost: h\r\n\r\n");
        e->upstreamHead(responseHead(200), ResponseParser::BodyFraming::Length, 10);
        e->nextTurn();
        e->upstreamFailed(502, QStringLiteral("reset"), true);
        QVERIFY(m_io.trace.contains(QStringLiteral("stop runner")));
        QCOMPARE(m_io.trace.last(), QStringLiteral("send %1").arg(m_io.wire.size() - m_io.wire.indexOf("\r\n\r\n") - 4));
        QVERIFY(e->isOver());
        e->runnerDone({false, {}, QStringLiteral("aborted")}); // a late report changes nothing
        QCOMPARE(captured().size(), 1);
    }

    // The client leaves during each step: the exchange ends once, with the step named.
    void clientLeavesDuringEachStep_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("events"); // how far the exchange gets before the client leaves
        QTest::addColumn<QString>("step");
        QTest::newRow("pre-req") << QByteArray("GET /pre HTTP/1.1\r\nHost: h\r\n\r\n") << 0 << "ext-plugin-pre-req";
        QTest::newRow("upstream") << QByteArray("GET /plain HTTP/1.1\r\nHost: h\r\n\r\n") << 0 << "the upstream call";
        QTest::newRow("post-resp") << QByteArray("GET /post HTTP/1.1\r\nHost: h\r\n\r\n") << 2 << "ext-plugin-post-resp";
        QTest::newRow("response") << QByteArray("GET /plain HTTP/1.1\r\nHost: h\r\n\r\n") << 1 << "the response";
    }
    void clientLeavesDuringEachStep()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, events);
        QFETCH(QString, step);
        auto e = start(request);
        if (events >= 1)
            e->upstreamHead(responseHead(200), ResponseParser::BodyFraming::Length, 10);
        if (events >= 2)
            e->nextTurn();
        QCOMPARE(QString::fromLatin1(e->step()), step);
        e->abandon(QStringLiteral("the client disconnected during %1").arg(step));
        QVERIFY(e->isOver());
        QCOMPARE(e->after(), Exchange::After::CloseNow);
        e->abandon(QStringLiteral("again")); // ending twice does nothing
        const auto records = captured();
        QCOMPARE(records.size(), 1);
        QCOMPARE(records[0]->errorStep, step);
        QCOMPARE(records[0]->errorText, QStringLiteral("the client disconnected during %1").arg(step));
    }

    void pausedCaptureKeepsNoRecord()
    {
        m_capture->setPaused(true);
        auto e = start("GET /plain HTTP/1.1\r\nHost: h\r\n\r\n");
        e->upstreamHead(responseHead(204, "No Content"), ResponseParser::BodyFraming::None, -1);
        e->upstreamDone();
        QVERIFY(e->isOver());
        QCOMPARE(captured().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestExchange)
#include "tst_exchange.moc"
