#include "requestparser.h"

#include <QTest>

class TestRequestParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesOneRequest();
    void incrementalBytes();
    void pipelined();
    void idleParserIsReleasedAndMadeAnew();
    void badInput_data();
    void badInput();
    void chunkedBody();
    void absentVersusEmptyQuery();
    void accepted_data();
    void accepted();
    void trailersAreNotHeaders();
    void absoluteFormTarget();
};

void TestRequestParser::parsesOneRequest()
{
    RequestParser p;
    const QByteArray raw = "POST /a/b?x=1&y HTTP/1.1\r\nHost: example.com:8080\r\nX-Dup: 1\r\nx-dup: 2\r\nContent-Length: 5\r\n\r\nhello";
    qsizetype used = 0;
    QCOMPARE(p.feed(raw, &used), RequestParser::Result::Complete);
    QCOMPARE(used, raw.size());
    const HttpRequest r = p.takeRequest();
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.target, QByteArray("/a/b?x=1&y"));
    QCOMPARE(r.path, QByteArray("/a/b"));
    QCOMPARE(r.query, QByteArray("x=1&y"));
    QCOMPARE(r.host(), QByteArray("example.com"));
    QCOMPARE(r.headers.values("x-dup"), (QList<QByteArray>{"1", "2"}));
    QCOMPARE(r.body, QByteArray("hello"));
    QVERIFY(r.keepAlive);
}

void TestRequestParser::incrementalBytes()
{
    RequestParser p;
    const QByteArray raw = "GET /x HTTP/1.1\r\nHost: h.example\r\nHostile: 1\r\nX-Long: a value in pieces\r\n\r\n";
    for (int i = 0; i < raw.size() - 1; ++i) {
        qsizetype used = 0;
        QCOMPARE(p.feed(raw.mid(i, 1), &used), RequestParser::Result::NeedMore);
        QCOMPARE(used, 1);
    }
    qsizetype used = 0;
    QCOMPARE(p.feed(raw.right(1), &used), RequestParser::Result::Complete);
    const HttpRequest r = p.takeRequest();
    QCOMPARE(r.path, QByteArray("/x"));
    QCOMPARE(r.headers.value("x-long"), QByteArray("a value in pieces"));
    QCOMPARE(r.method, QByteArray("GET"));
    // A name in two pieces whose first is a common name's spelling ("Host|ile") is still whole.
    for (qsizetype split = 1; split < raw.size(); ++split) {
        RequestParser two;
        QCOMPARE(two.feed(raw.first(split), &used), RequestParser::Result::NeedMore);
        QCOMPARE(two.feed(raw.sliced(split), &used), RequestParser::Result::Complete);
        const HttpRequest t = two.takeRequest();
        QCOMPARE(t.headers.fields().at(0).first, QByteArray("Host"));
        QCOMPARE(t.headers.fields().at(1).first, QByteArray("Hostile"));
    }
    // A folded line is refused however the bytes arrive.
    RequestParser folded;
    const QByteArray fold = "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n continued\r\n\r\n";
    RequestParser::Result result = RequestParser::Result::NeedMore;
    for (int i = 0; i < fold.size() && result == RequestParser::Result::NeedMore; ++i)
        result = folded.feed(fold.mid(i, 1), &used);
    QCOMPARE(result, RequestParser::Result::Error);
    QCOMPARE(folded.errorStatus(), 400);
}

void TestRequestParser::idleParserIsReleasedAndMadeAnew()
{
    RequestParser p;
    qsizetype used = 0;
    p.releaseWhileIdle(); // before any request
    QCOMPARE(p.feed("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n", &used), RequestParser::Result::Complete);
    QCOMPARE(p.takeRequest().path, QByteArray("/1"));
    p.releaseWhileIdle();
    QCOMPARE(p.feed("POST /2 HTTP/1.1\r\nHost: h\r\nContent", &used), RequestParser::Result::NeedMore);
    p.releaseWhileIdle(); // inside a request: kept
    QCOMPARE(p.feed("-Length: 2\r\n\r\nok", &used), RequestParser::Result::Complete);
    const HttpRequest second = p.takeRequest();
    QCOMPARE(second.path, QByteArray("/2"));
    QCOMPARE(second.body, QByteArray("ok"));

    // After "Connection: close" the parser refuses what follows, released or not.
    for (const bool release : {false, true}) {
        RequestParser closing;
        QCOMPARE(closing.feed("GET /last HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", &used),
                 RequestParser::Result::Complete);
        closing.takeRequest();
        if (release)
            closing.releaseWhileIdle();
        QCOMPARE(closing.feed("GET /more HTTP/1.1\r\nHost: h\r\n\r\n", &used), RequestParser::Result::Error);
    }
}

void TestRequestParser::pipelined()
{
    RequestParser p;
    QByteArray raw = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET /3 HTTP/1.1\r\nHost: h\r\n\r\n";
    QList<QByteArray> paths;
    while (!raw.isEmpty()) {
        qsizetype used = 0;
        QCOMPARE(p.feed(raw, &used), RequestParser::Result::Complete);
        raw.remove(0, used);
        paths << p.takeRequest().path;
    }
    QCOMPARE(paths, (QList<QByteArray>{"/1", "/2", "/3"}));
    // An Upgrade request is served as a plain one, and what follows it is still HTTP (llhttp holds after it).
    raw = "GET /u HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /4 HTTP/1.1\r\nHost: h\r\n\r\nGET /5 HTTP/1.1\r\nHost: h\r\n\r\n";
    paths.clear();
    while (!raw.isEmpty()) {
        qsizetype used = 0;
        QCOMPARE(p.feed(raw, &used), RequestParser::Result::Complete);
        raw.remove(0, used);
        paths << p.takeRequest().path;
    }
    QCOMPARE(paths, (QList<QByteArray>{"/u", "/4", "/5"}));
}

void TestRequestParser::badInput_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::newRow("garbage request line") << QByteArray("HELLO\r\n\r\n") << 400;
    QTest::newRow("bad header line") << QByteArray("GET / HTTP/1.1\r\nNo colon here\r\n\r\n") << 400;
    QTest::newRow("CL and TE") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n") << 400;
    QTest::newRow("two different CL") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") << 400;
    QTest::newRow("headers too large") << (QByteArray("GET / HTTP/1.1\r\nX-Big: ") + QByteArray(40000, 'a') + "\r\n\r\n") << 400;
    QTest::newRow("target too large") << (QByteArray("GET /") + QByteArray(40000, 'a') + " HTTP/1.1\r\n\r\n") << 414;
    QTest::newRow("body over limit") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n") << 413;
    QTest::newRow("chunked body over limit") << (QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n") + QByteArray(2000, 'x')) << 413;
    QTest::newRow("bad chunk size") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << 400;
    QTest::newRow("CONNECT") << QByteArray("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n") << 400;
    QTest::newRow("relative target") << QByteArray("GET foo HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    // Request smuggling (issue 11): what nginx refuses, and an upstream might read otherwise.
    QTest::newRow("space before colon") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n") << 400;
    QTest::newRow("tab before colon") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-A\t: 1\r\n\r\n") << 400;
    QTest::newRow("space inside name") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX A: 1\r\n\r\n") << 400;
    QTest::newRow("line starts with space") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n Transfer-Encoding: chunked\r\n\r\n") << 400;
    QTest::newRow("obs-fold after a header") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\tcontinued\r\n\r\n") << 400;
    QTest::newRow("empty name, first line") << QByteArray("GET / HTTP/1.1\r\n:ot x\r\nHost: h\r\n\r\n") << 400; // fuzz_request
    QTest::newRow("empty name, after a header") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n: x\r\n\r\n") << 400;
    QTest::newRow("name with a slash") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX/A: 1\r\n\r\n") << 400;
    QTest::newRow("chunk data without CRLF") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n") << 400;
    QTest::newRow("bare LF in chunk extension") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a\nhello\r\n0\r\n\r\n") << 400;
    QTest::newRow("bare CR in a value") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r2\r\n\r\n") << 400;
    QTest::newRow("TE not ending in chunked") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n") << 400;
    // Host (RFC 9112 §3.2, as nginx applies it).
    QTest::newRow("two Host headers") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("no Host on HTTP/1.1") << QByteArray("GET / HTTP/1.1\r\nX-A: 1\r\n\r\n") << 400;
    QTest::newRow("empty Host") << QByteArray("GET / HTTP/1.1\r\nHost: \r\n\r\n") << 400;
    QTest::newRow("Host with a slash and @") << QByteArray("GET / HTTP/1.1\r\nHost: a/b@c\r\n\r\n") << 400;
    QTest::newRow("Host with a bad port") << QByteArray("GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n") << 400;
    QTest::newRow("Host with ..") << QByteArray("GET / HTTP/1.1\r\nHost: a..b\r\n\r\n") << 400;
    QTest::newRow("absolute-form with a bad authority") << QByteArray("GET http://a b/x HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
}

void TestRequestParser::accepted_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("host");
    QTest::newRow("HTTP/1.0 without Host") << QByteArray("GET / HTTP/1.0\r\n\r\n") << QByteArray();
    QTest::newRow("host and port") << QByteArray("GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n") << QByteArray("example.com");
    QTest::newRow("IPv4") << QByteArray("GET / HTTP/1.1\r\nHost: 127.0.0.1:9080\r\n\r\n") << QByteArray("127.0.0.1");
    QTest::newRow("IPv6") << QByteArray("GET / HTTP/1.1\r\nHost: [::1]:9080\r\n\r\n") << QByteArray("[::1]");
    QTest::newRow("underscore") << QByteArray("GET / HTTP/1.1\r\nHost: my_host\r\n\r\n") << QByteArray("my_host");
    QTest::newRow("value with spaces around") << QByteArray("GET / HTTP/1.1\r\nHost:  h.example  \r\n\r\n") << QByteArray("h.example");
    QTest::newRow("every token character in a name") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX!#$%&'*+-.^_`|~9: 1\r\n\r\n") << QByteArray("h");
}

void TestRequestParser::accepted()
{
    QFETCH(QByteArray, raw);
    RequestParser p;
    qsizetype used = 0;
    QCOMPARE(p.feed(raw, &used), RequestParser::Result::Complete);
    QCOMPARE(used, raw.size());
    QTEST(p.takeRequest().host().trimmed(), "host");
}

void TestRequestParser::trailersAreNotHeaders()
{
    RequestParser p;
    const QByteArray raw = "POST /t HTTP/1.1\r\nHost: real.example\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "3\r\nabc\r\n0\r\nHost: injected.example\r\nX-Trailer: 1\r\n\r\n";
    qsizetype used = 0;
    QCOMPARE(p.feed(raw, &used), RequestParser::Result::Complete);
    const HttpRequest r = p.takeRequest();
    QCOMPARE(r.headers.values("host"), QList<QByteArray>{"real.example"});
    QVERIFY(!r.headers.contains("x-trailer"));
    QCOMPARE(r.body, QByteArray("abc"));
}

void TestRequestParser::absoluteFormTarget()
{
    // The target's authority is the Host; the request goes on in origin-form (RFC 9112 §3.2.2).
    RequestParser p;
    qsizetype used = 0;
    QCOMPARE(p.feed("GET http://evil.example/abs?q=1 HTTP/1.1\r\nHost: h\r\n\r\n", &used), RequestParser::Result::Complete);
    HttpRequest r = p.takeRequest();
    QCOMPARE(r.headers.values("host"), QList<QByteArray>{"evil.example"});
    QCOMPARE(r.target, QByteArray("/abs?q=1"));
    QCOMPARE(r.path, QByteArray("/abs"));
    QCOMPARE(r.query, QByteArray("q=1"));
    QCOMPARE(p.feed("GET HTTP://Other.example:81 HTTP/1.1\r\nHost: h\r\n\r\n", &used), RequestParser::Result::Complete);
    r = p.takeRequest();
    QCOMPARE(r.headers.value("host"), QByteArray("Other.example:81"));
    QCOMPARE(r.target, QByteArray("/"));
}

void TestRequestParser::badInput()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    RequestParser p({32 * 1024, 1000});
    qsizetype used = 0;
    QCOMPARE(p.feed(raw, &used), RequestParser::Result::Error);
    QCOMPARE(p.errorStatus(), status);
    QVERIFY(!p.errorText().isEmpty());
    QCOMPARE(p.feed("GET / HTTP/1.1\r\n\r\n", &used), RequestParser::Result::Error); // stays failed
    // The same a byte at a time: llhttp hands over names and values in pieces at each read boundary.
    RequestParser bytewise({32 * 1024, 1000});
    RequestParser::Result result = RequestParser::Result::NeedMore;
    QByteArray pending;
    for (qsizetype i = 0; i < raw.size() && result != RequestParser::Result::Error; ++i) {
        pending += raw[i];
        result = bytewise.feed(pending, &used);
        pending.remove(0, used);
    }
    QCOMPARE(result, RequestParser::Result::Error);
    QCOMPARE(bytewise.errorStatus(), status);
}

void TestRequestParser::chunkedBody()
{
    RequestParser p;
    const QByteArray raw = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    qsizetype used = 0;
    QCOMPARE(p.feed(raw, &used), RequestParser::Result::Complete);
    const HttpRequest r = p.takeRequest();
    QVERIFY(r.chunked);
    QCOMPARE(r.body, QByteArray("abcde"));
}

void TestRequestParser::absentVersusEmptyQuery()
{
    RequestParser p;
    qsizetype used = 0;
    QCOMPARE(p.feed("GET /a HTTP/1.1\r\nHost: h\r\n\r\n", &used), RequestParser::Result::Complete);
    QVERIFY(p.takeRequest().query.isNull());
    QCOMPARE(p.feed("GET /a? HTTP/1.1\r\nHost: h\r\n\r\n", &used), RequestParser::Result::Complete);
    const HttpRequest r = p.takeRequest();
    QVERIFY(!r.query.isNull());
    QVERIFY(r.query.isEmpty());
}

QTEST_GUILESS_MAIN(TestRequestParser)
#include "tst_requestparser.moc"
