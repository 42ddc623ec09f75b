#include "bodytext.h"
#include "capturestore.h"
#include "exchangeexport.h"
#include "exchangefilter.h"
#include "testhttp.h"
#include "textdiff.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <zlib.h>

namespace {
ExchangePtr make(quint64 id, const QByteArray &method, const QByteArray &target, int before, int after,
                 const QString &route = QStringLiteral("1"), bool modified = false, const QByteArray &host = "api.example.com")
{
    auto e = std::make_shared<CapturedExchange>();
    e->id = id;
    e->routeId = route;
    e->clientRequest.present = true;
    e->clientRequest.method = method;
    e->clientRequest.target = target;
    e->clientRequest.headers.add("Host", host);
    e->upstreamResponse.present = before != 0;
    e->upstreamResponse.status = before;
    e->clientResponse.present = true;
    e->clientResponse.status = after;
    e->modifiedByRunner = modified;
    return e;
}
} // namespace

class TestCapture : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void filterSyntax_data();
    void filterSyntax();
    void diff_data();
    void diff();
    void sideBySidePairsReplacedLines();
    void evictionUnderBudget();
    void batchesNotSignalsPerRequest();
    void capturesAllFourVersions();
    void harStructure();
    void curlRunsAsIs();
    void harRoundTrip();
    void bodyText_data();
    void bodyText();
    void gzipBodyIsDecoded();
};

void TestCapture::filterSyntax_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QList<quint64>>("matching");
    // 1: GET /users 200->200 route 1; 2: POST /users 201->201 route 2; 3: GET /err 500->503 route 1 modified;
    // 4: DELETE /x 404 (no route), host other.net
    QTest::newRow("empty") << "" << QList<quint64>{1, 2, 3, 4};
    QTest::newRow("status exact") << "status:404" << QList<quint64>{4};
    QTest::newRow("status >=") << "status:>=400" << QList<quint64>{3, 4};
    QTest::newRow("status <") << "status:<300" << QList<quint64>{1, 2};
    QTest::newRow("method") << "method:post" << QList<quint64>{2};
    QTest::newRow("route") << "route:1" << QList<quint64>{1, 3};
    QTest::newRow("host") << "host:other" << QList<quint64>{4};
    QTest::newRow("modified") << "modified" << QList<quint64>{3};
    QTest::newRow("error") << "error" << QList<quint64>{3};
    QTest::newRow("negation") << "-method:GET" << QList<quint64>{2, 4};
    QTest::newRow("text in url") << "users" << QList<quint64>{1, 2};
    QTest::newRow("and") << "users method:GET" << QList<quint64>{1};
    QTest::newRow("negated text") << "-users" << QList<quint64>{3, 4};
    QTest::newRow("bad status matches nothing") << "status:abc" << QList<quint64>{};
}

void TestCapture::filterSyntax()
{
    QFETCH(QString, filter);
    QFETCH(QList<quint64>, matching);
    const QList<ExchangePtr> all{make(1, "GET", "/users", 200, 200), make(2, "POST", "/users", 201, 201, "2"),
                                 make(3, "GET", "/err", 500, 503, "1", true), make(4, "DELETE", "/x", 0, 404, QString(), false, "other.net")};
    const ExchangeFilter f(filter);
    QList<quint64> got;
    for (const ExchangePtr &e : all)
        if (f.matches(*e))
            got << e->id;
    QCOMPARE(got, matching);
    QCOMPARE(f.problems().isEmpty(), filter != "status:abc");
}

void TestCapture::diff_data()
{
    using Op = DiffLine::Op;
    QTest::addColumn<QStringList>("before");
    QTest::addColumn<QStringList>("after");
    QTest::addColumn<QList<DiffLine>>("expected");
    QTest::newRow("same") << QStringList{"a", "b"} << QStringList{"a", "b"} << QList<DiffLine>{{Op::Same, "a"}, {Op::Same, "b"}};
    QTest::newRow("added") << QStringList{"a"} << QStringList{"a", "b"} << QList<DiffLine>{{Op::Same, "a"}, {Op::Added, "b"}};
    QTest::newRow("removed") << QStringList{"a", "b"} << QStringList{"b"} << QList<DiffLine>{{Op::Removed, "a"}, {Op::Same, "b"}};
    QTest::newRow("empty before") << QStringList{} << QStringList{"x"} << QList<DiffLine>{{Op::Added, "x"}};
}

void TestCapture::diff()
{
    QFETCH(QStringList, before);
    QFETCH(QStringList, after);
    QFETCH(QList<DiffLine>, expected);
    QCOMPARE(diffLines(before, after), expected);
}

void TestCapture::sideBySidePairsReplacedLines()
{
    const auto rows = sideBySide(diffLines({"content-type: a", "x: 1", "keep"}, {"x: 2", "keep", "new: 1"}));
    // Every line of both sides appears exactly once, in order.
    QStringList left, right;
    for (const DiffRow &r : rows) {
        if (r.hasLeft)
            left << r.left;
        if (r.hasRight)
            right << r.right;
    }
    QCOMPARE(left, (QStringList{"content-type: a", "x: 1", "keep"}));
    QCOMPARE(right, (QStringList{"x: 2", "keep", "new: 1"}));
}

void TestCapture::evictionUnderBudget()
{
    CaptureStore store({20000, 1024, 50});
    QSignalSpy evicted(&store, &CaptureStore::exchangesEvicted);
    QSignalSpy added(&store, &CaptureStore::exchangesAdded);
    for (quint64 i = 1; i <= 10; ++i) {
        auto e = std::const_pointer_cast<CapturedExchange>(make(i, "GET", "/", 200, 200));
        e->clientResponse.body = QByteArray(1000, 'x');
        store.add(e);
    }
    store.flush();
    for (quint64 i = 11; i <= 200; ++i) {
        auto e = std::const_pointer_cast<CapturedExchange>(make(i, "GET", "/", 200, 200));
        e->clientResponse.body = QByteArray(1000, 'x');
        store.add(e);
        if (i % 50 == 0)
            store.flush();
    }
    store.flush();
    QVERIFY(store.memoryUsed() <= 20000);
    const QList<ExchangePtr> kept = store.all();
    QVERIFY(!kept.isEmpty());
    QCOMPARE(kept.last()->id, quint64(200)); // the newest stay
    for (int i = 1; i < kept.size(); ++i)
        QCOMPARE(kept[i]->id, kept[i - 1]->id + 1); // oldest first out, no holes
    // Announced minus evicted equals what is kept: a view following the signals stays exact.
    qsizetype announced = 0;
    for (const auto &args : added)
        announced += args.first().value<QList<ExchangePtr>>().size();
    qsizetype gone = 0;
    for (const auto &args : evicted)
        gone += args.first().value<QList<quint64>>().size();
    QCOMPARE(announced - gone, kept.size());
}

void TestCapture::batchesNotSignalsPerRequest()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", "{\"uri\":\"/*\",\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);
    QSignalSpy added(engine.engine().capture(), &CaptureStore::exchangesAdded);
    TestClient client(engine.proxyPort());
    for (int i = 0; i < 200; ++i) {
        client.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(client.read().status, 200);
    }
    qsizetype total = 0;
    QTRY_VERIFY_WITH_TIMEOUT((total = [&] { qsizetype n = 0; for (const auto &a : added) n += a.first().value<QList<ExchangePtr>>().size(); return n; }()) == 200, 3000);
    QVERIFY2(added.size() < 40, qPrintable(QString::number(added.size()))); // a few per second, not 200
}

void TestCapture::capturesAllFourVersions()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/r", "{\"uri\":\"/*\",\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);
    QSignalSpy added(engine.engine().capture(), &CaptureStore::exchangesAdded);
    QCOMPARE(httpRequest(engine.proxyPort(), "POST", "/four?a=1", {{"X-Client", "c"}}, "hello").status, 200);
    QTRY_VERIFY(!added.isEmpty());
    const ExchangePtr e = added.first().first().value<QList<ExchangePtr>>().first();
    QCOMPARE(e->routeId, QStringLiteral("r"));
    QCOMPARE(e->clientRequest.method, QByteArray("POST"));
    QCOMPARE(e->clientRequest.target, QByteArray("/four?a=1"));
    QCOMPARE(e->clientRequest.body, QByteArray("hello"));
    QVERIFY(e->upstreamRequest.present);
    QCOMPARE(e->upstreamRequest.headers.value("x-real-ip"), QByteArray("127.0.0.1"));
    QVERIFY(e->upstreamRequest.headers.contains("host"));
    QCOMPARE(e->upstreamResponse.status, 200);
    QVERIFY(e->upstreamResponse.headers.contains("content-length"));
    QCOMPARE(e->clientResponse.status, 200);
    QCOMPARE(e->clientResponse.body, e->upstreamResponse.body);
    QVERIFY(e->clientResponse.body.contains("\"/four\""));
    QCOMPARE(e->upstreamAddress, QStringLiteral("127.0.0.1:%1").arg(up->port()));
    QVERIFY(e->timings.totalNs > 0);
    QVERIFY(e->timings.upstreamNs > 0 && e->timings.upstreamNs <= e->timings.totalNs);
    // The waterfall's start times: route match, then the upstream call, then the write; no plugin phase.
    const ExchangeTimings &t = e->timings;
    QCOMPARE(t.preReqAtNs, qint64(-1));
    QCOMPARE(t.postRespAtNs, qint64(-1));
    QVERIFY2(t.upstreamAtNs >= t.routeNs && t.upstreamAtNs + t.upstreamNs <= t.totalNs, qPrintable(QString::number(t.upstreamAtNs)));
    QVERIFY(t.writeAtNs > t.upstreamAtNs + t.firstByteNs && t.writeAtNs + t.writeNs <= t.totalNs);
    // Pausing stops capturing, and nothing else.
    engine.engine().capture()->setPaused(true);
    added.clear();
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/paused").status, 200);
    QTest::qWait(400);
    QVERIFY(added.isEmpty());
}

void TestCapture::harStructure()
{
    auto e = std::const_pointer_cast<CapturedExchange>(make(7, "POST", "/a?x=1&y", 200, 201));
    e->startedAtMs = 1795000000000;
    e->clientRequest.headers.add("Cookie", "s=1; t=2");
    e->clientRequest.body = "{\"k\":1}";
    e->clientRequest.bodySize = 7;
    e->clientResponse.headers.add("Content-Type", "application/json");
    e->clientResponse.headers.add("Set-Cookie", "sid=abc; Path=/");
    e->clientResponse.body = "{}";
    e->clientResponse.bodySize = 2;
    e->clientResponse.reason = "Created";
    e->timings.totalNs = 5'000'000;
    e->timings.connectNs = 1'000'000;
    e->timings.writeNs = 500'000;
    e->upstreamAddress = "127.0.0.1:1980";
    const QJsonObject har = toHar({e}, "http://127.0.0.1:9080", "0.1.0");
    const QJsonObject log = har.value("log").toObject();
    QCOMPARE(log.value("version").toString(), QStringLiteral("1.2"));
    QVERIFY(log.value("creator").toObject().contains("name") && log.value("creator").toObject().contains("version"));
    const QJsonObject entry = log.value("entries").toArray().first().toObject();
    for (const char *k : {"startedDateTime", "time", "request", "response", "cache", "timings"})
        QVERIFY2(entry.contains(k), k);
    const QJsonObject req = entry.value("request").toObject();
    for (const char *k : {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"})
        QVERIFY2(req.contains(k), k);
    QCOMPARE(req.value("url").toString(), QStringLiteral("http://127.0.0.1:9080/a?x=1&y"));
    QCOMPARE(req.value("queryString").toArray().size(), 2);
    QCOMPARE(req.value("cookies").toArray().size(), 2);
    QCOMPARE(req.value("postData").toObject().value("text").toString(), QStringLiteral("{\"k\":1}"));
    const QJsonObject resp = entry.value("response").toObject();
    for (const char *k : {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"})
        QVERIFY2(resp.contains(k), k);
    QCOMPARE(resp.value("status").toInt(), 201);
    QCOMPARE(resp.value("content").toObject().value("size").toInt(), 2);
    QCOMPARE(resp.value("content").toObject().value("mimeType").toString(), QStringLiteral("application/json"));
    QCOMPARE(resp.value("cookies").toArray().first().toObject().value("name").toString(), QStringLiteral("sid"));
    const QJsonObject t = entry.value("timings").toObject();
    for (const char *k : {"send", "wait", "receive"})
        QVERIFY2(t.value(k).toDouble() >= 0, k);
    double sum = 0;
    for (const char *k : {"blocked", "dns", "connect", "send", "wait", "receive", "ssl"})
        sum += qMax(0.0, t.value(k).toDouble());
    QCOMPARE(entry.value("time").toDouble(), sum); // times consistent
    QCOMPARE(entry.value("time").toDouble(), 5.0);
    QVERIFY(QDateTime::fromString(entry.value("startedDateTime").toString(), Qt::ISODateWithMs).isValid());
}

void TestCapture::harRoundTrip()
{
    auto e = std::const_pointer_cast<CapturedExchange>(make(42, "POST", "/r?x=1", 200, 418, "7", true));
    e->startedAtMs = 1795000000123;
    e->clientRequest.body = "in";
    e->clientRequest.bodySize = 2;
    e->upstreamRequest = e->clientRequest;
    e->upstreamRequest.headers.add("X-Real-IP", "127.0.0.1");
    e->upstreamResponse.headers.add("Content-Type", "application/octet-stream");
    e->upstreamResponse.body = QByteArray("\x00\x01binary", 8);
    e->upstreamResponse.bodySize = 8;
    e->clientResponse.body = "out";
    e->clientResponse.bodySize = 3;
    e->notes << "a note";
    e->errorStep = "ext-plugin-post-resp";
    e->errorText = "boom";
    e->timings.totalNs = 2'000'000;
    e->timings.postRespNs = 500'000;
    e->timings.postRespAtNs = 1'200'000;
    RunnerFrameRecord f;
    f.plugin = "ext-plugin-post-resp";
    f.type = 4;
    f.fromRunner = true;
    f.size = 3;
    f.payload = "abc";
    e->frames << f;
    QString error;
    const QList<ExchangePtr> back = fromHar(QJsonDocument::fromJson(QJsonDocument(toHar({e}, "http://h:1", "v")).toJson()).object(), &error);
    QCOMPARE(back.size(), 1);
    const CapturedExchange &b = *back.first();
    QCOMPARE(b.id, quint64(42));
    QCOMPARE(b.startedAtMs, e->startedAtMs);
    QCOMPARE(b.clientRequest.target, QByteArray("/r?x=1"));
    QCOMPARE(b.clientRequest.body, QByteArray("in"));
    QCOMPARE(b.upstreamRequest.headers.value("x-real-ip"), QByteArray("127.0.0.1"));
    QCOMPARE(b.upstreamResponse.body, e->upstreamResponse.body); // binary survives (base64)
    QCOMPARE(b.clientResponse.status, 418);
    QCOMPARE(b.clientResponse.body, QByteArray("out"));
    QCOMPARE(b.notes, e->notes);
    QCOMPARE(b.errorText, QStringLiteral("boom"));
    QCOMPARE(b.frames.size(), 1);
    QCOMPARE(b.frames.first().payload, QByteArray("abc"));
    QCOMPARE(b.timings.postRespNs, qint64(500'000));
    QCOMPARE(b.timings.postRespAtNs, qint64(1'200'000));
    QCOMPARE(b.timings.preReqAtNs, qint64(-1));
    QVERIFY(b.modifiedByRunner);
    QVERIFY(fromHar(QJsonObject{{"x", 1}}, &error).isEmpty());
    QVERIFY(fromHarText("{\n  \"log\": {\"entries\": [,]}\n}", &error).isEmpty());
    QVERIFY2(error.startsWith("line 2, column"), qPrintable(error));
    QVERIFY(fromHarText("[1]", &error).isEmpty());
    QVERIFY2(error.contains("not a HAR file"), qPrintable(error));
    QVERIFY(error.contains("not a HAR"));
}

void TestCapture::curlRunsAsIs()
{
    if (QStandardPaths::findExecutable("curl").isEmpty())
        QSKIP("curl is not installed");
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/1", "{\"uri\":\"/*\",\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);
    QSignalSpy added(engine.engine().capture(), &CaptureStore::exchangesAdded);
    const TestResponse original = httpRequest(engine.proxyPort(), "PUT", "/c?q=it's%20ok", {{"X-Quote", "it's \"quoted\""}}, "body with 'quotes'");
    QCOMPARE(original.status, 200);
    QTRY_VERIFY(!added.isEmpty());
    const ExchangePtr e = added.first().first().value<QList<ExchangePtr>>().first();
    const QString command = toCurl(*e, QStringLiteral("http://127.0.0.1:%1").arg(engine.proxyPort()));
    QProcess sh;
    sh.start("/bin/sh", {"-c", command + " -s"});
    QVERIFY(sh.waitForFinished(10000));
    const QByteArray out = sh.readAllStandardOutput();
    const QByteArray replayBody = out.mid(out.indexOf("\r\n\r\n") + 4);
    const QJsonObject a = QJsonDocument::fromJson(original.body).object();
    const QJsonObject b = QJsonDocument::fromJson(replayBody).object();
    QCOMPARE(b.value("method"), a.value("method"));
    QCOMPARE(b.value("uri"), a.value("uri"));
    QCOMPARE(b.value("body"), a.value("body"));
    QVERIFY(replayBody.contains("it's \\\"quoted\\\""));
}

void TestCapture::bodyText_data()
{
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("kind");
    QTest::newRow("json pretty") << QByteArray("application/json") << QByteArray("{\"a\":1}") << int(BodyText::Kind::Json);
    QTest::newRow("xml pretty") << QByteArray("application/xml") << QByteArray("<a><b>1</b></a>") << int(BodyText::Kind::Xml);
    QTest::newRow("binary") << QByteArray("application/octet-stream") << QByteArray("\x00\x01\x02", 3) << int(BodyText::Kind::Binary);
    QTest::newRow("image") << QByteArray("image/png") << QByteArray("\x89PNG") << int(BodyText::Kind::Image);
    QTest::newRow("text") << QByteArray("text/plain") << QByteArray("hello") << int(BodyText::Kind::Text);
}

void TestCapture::bodyText()
{
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, body);
    QFETCH(int, kind);
    HttpHeaders h;
    h.add("Content-Type", type);
    const BodyText b = makeBodyText(h, body, body.size());
    QCOMPARE(int(b.kind), kind);
    if (kind == int(BodyText::Kind::Json))
        QCOMPARE(b.text, QStringLiteral("{\n    \"a\": 1\n}\n"));
    if (kind == int(BodyText::Kind::Xml))
        QVERIFY(b.text.contains("\n    <b>1</b>"));
    if (kind == int(BodyText::Kind::Binary))
        QVERIFY(b.text.startsWith("00000000  00 01 02"));
}

void TestCapture::gzipBodyIsDecoded()
{
    const QByteArray plain = "{\"compressed\":true}";
    QByteArray gz(256, '\0');
    z_stream s{};
    deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    s.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.constData()));
    s.avail_in = uInt(plain.size());
    s.next_out = reinterpret_cast<Bytef *>(gz.data());
    s.avail_out = uInt(gz.size());
    QCOMPARE(deflate(&s, Z_FINISH), Z_STREAM_END);
    gz.resize(qsizetype(s.total_out));
    deflateEnd(&s);
    HttpHeaders h;
    h.add("Content-Encoding", "gzip");
    h.add("Content-Type", "application/json");
    const BodyText b = makeBodyText(h, gz, gz.size());
    QCOMPARE(int(b.kind), int(BodyText::Kind::Json));
    QVERIFY(b.text.contains("\"compressed\": true"));
    QVERIFY(b.note.startsWith("gzip:"));
    QVERIFY(makeBodyText(h, "not gzip", 8).note.contains("not decoded"));
}

QTEST_GUILESS_MAIN(TestCapture)
#include "tst_capture.moc"
