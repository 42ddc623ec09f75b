// Replay: a captured request sent again through the real proxy (engine, listener, demo upstream)
// becomes a new exchange with the same request; a proxy that is not there, or that never answers, is
// said in words, once.
#include "capturestore.h"
#include "replay.h"
#include "testhttp.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

class TestReplay : public QObject
{
    Q_OBJECT

private slots:
    void replayedRequestIsANewExchange()
    {
        auto upstream = startEchoUpstream();
        TestEngine engine;
        QCOMPARE(engine.put("/apisix/admin/routes/1", "{\"uri\":\"/echo/*\",\"upstream\":{\"nodes\":" + nodesFor({upstream->port()}) + "}}"), 201);
        const TestResponse first = httpRequest(engine.proxyPort(), "POST", "/echo/a?x=1", {{"X-Mine", "yes"}}, "payload");
        QCOMPARE(first.status, 200);
        CaptureStore *capture = engine.engine().capture();
        QTRY_COMPARE(capture->totalSeen(), 1u);
        capture->flush();
        const ExchangePtr original = capture->all().value(0);
        QVERIFY(original);

        QStringList reports;
        replayThroughProxy(original->clientRequest, QHostAddress::Any, engine.proxyPort(), this,
                           [&reports](const QString &error) { reports << error; });
        QTRY_COMPARE(reports, QStringList{QString()});
        QTRY_COMPARE(capture->totalSeen(), 2u);
        capture->flush();
        const ExchangePtr again = capture->all().value(1);
        QVERIFY(again);
        QCOMPARE(again->clientRequest.method, QByteArray("POST"));
        QCOMPARE(again->clientRequest.target, QByteArray("/echo/a?x=1"));
        QCOMPARE(again->clientRequest.headers.value("x-mine"), QByteArray("yes"));
        QCOMPARE(again->clientRequest.body, QByteArray("payload"));
        QCOMPARE(again->clientResponse.status, 200);
        QCOMPARE(upstream->requestCount(), 2);
        QTest::qWait(100);
        QCOMPARE(reports.size(), 1); // once, also when the proxy closes afterwards
    }

    void proxyNotListeningIsSaid()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close(); // nobody listens there now
        CapturedMessage request;
        request.method = "GET";
        request.target = "/";
        QStringList reports;
        replayThroughProxy(request, QHostAddress::LocalHost, port, this, [&reports](const QString &error) { reports << error; });
        QTRY_COMPARE(reports.size(), 1);
        QVERIFY2(reports[0].contains("refused", Qt::CaseInsensitive), qPrintable(reports[0]));
    }

    void proxyThatNeverAnswersTimesOut()
    {
        RawServer silent({}); // takes the request, never answers
        CapturedMessage request;
        request.method = "GET";
        request.target = "/";
        QStringList reports;
        replayThroughProxy(request, QHostAddress::LocalHost, silent.port(), this,
                           [&reports](const QString &error) { reports << error; }, 300);
        QTRY_COMPARE(reports.size(), 1);
        QCOMPARE(reports[0], QStringLiteral("no answer from the proxy within 0.3 s"));
        QTest::qWait(100);
        QCOMPARE(reports.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
