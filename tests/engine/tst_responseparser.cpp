// The upstream response parser (llhttp, strict): bytes in, one answer out, whatever way the bytes arrive.
#include "responseparser.h"

#include <QTest>

namespace {
struct Parsed
{
    ResponseParser::Result result = ResponseParser::Result::NeedMore;
    int status = 0;
    QByteArray reason;
    QByteArray body;
    qsizetype consumed = 0; // of the whole input, when fed at once
    QByteArray error;
    bool keepAlive = false;
    ResponseParser::BodyFraming framing = ResponseParser::BodyFraming::None;
};

// Feeds `raw` in pieces of `step` bytes (0: at once), then tells of the end of the stream if `closed`.
Parsed parse(const QByteArray &raw, qsizetype step, bool head = false, bool closed = false)
{
    ResponseParser p;
    p.reset(head);
    Parsed out;
    p.onHead = [&out](HttpResponseHead &&h) {
        out.status = h.status;
        out.reason = h.reason;
    };
    p.onBody = [&out](const char *d, qsizetype n) { out.body.append(d, n); };
    qsizetype at = 0;
    while (at < raw.size() && out.result == ResponseParser::Result::NeedMore) {
        const qsizetype n = step ? qMin(step, raw.size() - at) : raw.size() - at;
        qsizetype used = 0;
        out.result = p.feed(QByteArrayView(raw).sliced(at, n), &used);
        at += used;
        if (out.result == ResponseParser::Result::NeedMore && used != n)
            qFatal("NeedMore without taking every byte");
    }
    if (out.result == ResponseParser::Result::NeedMore && closed)
        out.result = p.finish();
    out.consumed = at;
    out.error = p.errorText();
    out.keepAlive = p.keepAlive();
    out.framing = p.framing();
    return out;
}
} // namespace

class TestResponseParser : public QObject
{
    Q_OBJECT
private slots:
    void answers_data();
    void answers();
    void refused_data();
    void refused();
    void bytesAfterABodilessAnswerAreNotTaken();
    void untilCloseAndTruncated();
    void namesAndReasonInPieces();
};

void TestResponseParser::answers_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("head");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::newRow("length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false << 200 << QByteArray("hello") << true;
    QTest::newRow("chunked") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2;x=y\r\nlo\r\n0\r\nX-T: 1\r\n\r\n")
                             << false << 200 << QByteArray("hello") << true;
    QTest::newRow("no reason phrase") << QByteArray("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok") << false << 200 << QByteArray("ok") << true;
    QTest::newRow("100 then 200") << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                                  << false << 200 << QByteArray("ok") << true;
    QTest::newRow("103 with headers then 201")
        << QByteArray("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        << false << 201 << QByteArray() << true;
    QTest::newRow("304 announcing a length") << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n") << false << 304 << QByteArray() << true;
    QTest::newRow("HEAD with a length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 175\r\n\r\n") << true << 200 << QByteArray() << true;
    QTest::newRow("connection close") << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok") << false << 200 << QByteArray("ok") << false;
    QTest::newRow("HTTP/1.0 keep-alive") << QByteArray("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok") << false << 200 << QByteArray("ok") << true;
}

void TestResponseParser::answers()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, head);
    for (qsizetype step : {qsizetype(0), qsizetype(1), qsizetype(7)}) {
        const Parsed p = parse(raw, step, head);
        QVERIFY2(p.result == ResponseParser::Result::Complete, p.error.constData());
        QTEST(p.status, "status");
        QTEST(p.body, "body");
        QTEST(p.keepAlive, "keepAlive");
        QCOMPARE(p.consumed, raw.size());
    }
}

void TestResponseParser::refused_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("why");
    QTest::newRow("length and chunked") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << QByteArray("malformed");
    QTest::newRow("two lengths") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!") << QByteArray("malformed");
    QTest::newRow("signed length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello") << QByteArray("malformed");
    QTest::newRow("space before colon") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello") << QByteArray("malformed");
    QTest::newRow("chunk without CRLF") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n") << QByteArray("malformed");
    QTest::newRow("bad chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << QByteArray("malformed");
    QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n") << QByteArray("malformed");
    QTest::newRow("empty name") << QByteArray("HTTP/1.1 200 OK\r\n: x\r\nContent-Length: 0\r\n\r\n") << QByteArray("without a name"); // fuzz_response
    QTest::newRow("two-digit status") << QByteArray("HTTP/1.1 21 OK\r\nContent-Length: 0\r\n\r\n") << QByteArray("invalid status code 21");
    QTest::newRow("101") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                         << QByteArray("101 Switching Protocols; RouteScope does not relay upgraded connections");
}

void TestResponseParser::refused()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, why);
    for (qsizetype step : {qsizetype(0), qsizetype(1)}) {
        const Parsed p = parse(raw, step);
        QCOMPARE(p.result, ResponseParser::Result::Error);
        QVERIFY2(p.error.contains(why), p.error.constData());
    }
}

void TestResponseParser::bytesAfterABodilessAnswerAreNotTaken()
{
    // A 204 followed by body bytes it may not have: the answer ends at its head, and the bytes are left
    // over (the caller sees consumed < size and does not reuse the connection).
    const QByteArray raw = "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello";
    const Parsed p = parse(raw, 0);
    QCOMPARE(p.result, ResponseParser::Result::Complete);
    QCOMPARE(p.body, QByteArray());
    QCOMPARE(p.consumed, raw.size() - 5);
}

void TestResponseParser::untilCloseAndTruncated()
{
    Parsed p = parse("HTTP/1.1 200 OK\r\n\r\nall of it", 0, false, true);
    QCOMPARE(p.result, ResponseParser::Result::Complete);
    QCOMPARE(p.body, QByteArray("all of it"));
    QCOMPARE(p.framing, ResponseParser::BodyFraming::UntilClose);
    QVERIFY(!p.keepAlive);
    p = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 0, false, true);
    QCOMPARE(p.result, ResponseParser::Result::Error);
    QVERIFY2(p.error.contains("before the end of the body"), p.error.constData());
    p = parse("HTTP/1.1 200 OK\r\nContent-Le", 0, false, true);
    QCOMPARE(p.result, ResponseParser::Result::Error);
    QVERIFY2(p.error.contains("before sending a response"), p.error.constData());
}

void TestResponseParser::namesAndReasonInPieces()
{
    // The common spellings are shared, not copied: what follows a shared first piece still belongs to it.
    const QByteArray raw = "HTTP/1.1 200 OKAY\r\nDate: x\r\nDates: y\r\nContent-Length: 0\r\n\r\n";
    for (qsizetype split = 1; split < raw.size(); ++split) { // in two pieces, cut anywhere ("Date|s", "OK|AY")
        ResponseParser p;
        p.reset(false);
        QByteArray reason;
        QList<QByteArray> names;
        p.onHead = [&](HttpResponseHead &&h) {
            reason = h.reason;
            for (const auto &field : h.headers.fields())
                names << field.first;
        };
        qsizetype used = 0;
        QCOMPARE(p.feed(QByteArrayView(raw).first(split), &used), ResponseParser::Result::NeedMore);
        QCOMPARE(p.feed(QByteArrayView(raw).sliced(split), &used), ResponseParser::Result::Complete);
        QCOMPARE(reason, QByteArray("OKAY"));
        QCOMPARE(names, (QList<QByteArray>{"Date", "Dates", "Content-Length"}));
    }
    QCOMPARE(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1).reason, QByteArray("OK"));
}

QTEST_GUILESS_MAIN(TestResponseParser)
#include "tst_responseparser.moc"
