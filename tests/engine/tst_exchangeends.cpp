// Every exchange ends exactly once, whatever ends it: answered, refused as it was read, failed, or left
// by its client at any step (the inspector must show the one exchange a user is debugging).
#include "testhttp.h"
#include "testrunner.h"

#include <QTest>

namespace {
// A runner that prepares confs but never answers a call: the exchange waits in that phase.
TestRunner::Answer prepareOnly(const DecodedFrame &frame)
{
    if (frame.type == Frame::PrepareConf)
        return TestRunner::standard(frame);
    return {};
}

QByteArray route(const QByteArray &phase, quint16 port)
{
    const QByteArray plugins = phase.isEmpty() ? QByteArray("{}")
        : "{\"" + phase + "\":{\"conf\":[{\"name\":\"x\",\"value\":\"{}\"}]}}";
    return "{\"uri\":\"/*\",\"plugins\":" + plugins + ",\"upstream\":{\"nodes\":" + nodesFor({port}) + "}}";
}

QList<ExchangePtr> captured(TestEngine &engine)
{
    return engine.engine().capture()->all();
}
} // namespace

class TestExchangeEnds : public QObject
{
    Q_OBJECT
private slots:
    void clientLeavingAtEachStep_data();
    void clientLeavingAtEachStep();
    void refusedRequestIsAnExchange();
    void answeredOnceEach();
};

void TestExchangeEnds::clientLeavingAtEachStep_data()
{
    QTest::addColumn<QByteArray>("phase");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("step");
    QTest::newRow("upstream") << QByteArray() << QByteArray("/delay/3000") << QStringLiteral("the upstream call");
    QTest::newRow("pre-req") << QByteArray("ext-plugin-pre-req") << QByteArray("/x") << QStringLiteral("ext-plugin-pre-req");
    QTest::newRow("post-req") << QByteArray("ext-plugin-post-req") << QByteArray("/x") << QStringLiteral("ext-plugin-post-req");
    QTest::newRow("post-resp") << QByteArray("ext-plugin-post-resp") << QByteArray("/x") << QStringLiteral("ext-plugin-post-resp");
    QTest::newRow("response") << QByteArray() << QByteArray("/bytes/67108864") << QStringLiteral("the response");
}

void TestExchangeEnds::clientLeavingAtEachStep()
{
    QFETCH(QByteArray, phase);
    QFETCH(QByteArray, target);
    QFETCH(QString, step);
    auto up = startEchoUpstream();
    TestRunner runner(prepareOnly);
    RunnerSettings settings;
    settings.socketPath = runner.path();
    TestEngine engine(1, settings);
    QCOMPARE(engine.put("/apisix/admin/routes/1", route(phase, up->port())), 201);
    {
        TestClient client(engine.proxyPort());
        client.send("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n");
        if (step == QLatin1String("the response")) {
            // The head is here, the body on its way (the demo upstream takes a few hundred ms to make 64 MiB).
            QVERIFY(client.socket().waitForReadyRead(10000));
        } else {
            QVERIFY(!client.socket().waitForReadyRead(300)); // still waiting
        }
        QCOMPARE(captured(engine).size(), 0);
    } // the client leaves
    QTRY_COMPARE(captured(engine).size(), 1);
    const ExchangePtr e = captured(engine).first();
    QCOMPARE(e->errorStep, step);
    QCOMPARE(e->errorText, QStringLiteral("the client disconnected during %1").arg(step));
    QCOMPARE(e->clientRequest.target, target);
    QVERIFY(e->hasError());
    QTest::qWait(100);
    QCOMPARE(engine.engine().capture()->totalSeen(), quint64(1)); // once, not again when the connection goes
}

void TestExchangeEnds::refusedRequestIsAnExchange()
{
    TestEngine engine;
    TestClient client(engine.proxyPort());
    client.send("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n");
    QCOMPARE(client.read().status, 400);
    QTRY_COMPARE(captured(engine).size(), 1);
    const ExchangePtr e = captured(engine).first();
    QCOMPARE(e->errorStep, QStringLiteral("reading the request"));
    QVERIFY2(e->errorText.startsWith("malformed request"), qPrintable(e->errorText));
    QCOMPARE(e->clientResponse.status, 400);
    QVERIFY(e->id > 0);
}

void TestExchangeEnds::answeredOnceEach()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", route({}, up->port())), 201);
    TestClient client(engine.proxyPort());
    // Two pipelined, then a 404 after a route change: three exchanges, each once, ids in order.
    client.send("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
    QCOMPARE(client.read().status, 200);
    QCOMPARE(client.read().status, 200);
    QCOMPARE(engine.put("/apisix/admin/routes/1", "{\"uri\":\"/only\",\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 200);
    client.send("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
    QCOMPARE(client.read().status, 404);
    QTRY_COMPARE(captured(engine).size(), 3);
    QList<quint64> ids;
    for (const ExchangePtr &e : captured(engine))
        ids << e->id;
    QVERIFY(ids[0] < ids[1] && ids[1] < ids[2]);
    QVERIFY(!captured(engine)[0]->hasError());
}

QTEST_GUILESS_MAIN(TestExchangeEnds)
#include "tst_exchangeends.moc"
