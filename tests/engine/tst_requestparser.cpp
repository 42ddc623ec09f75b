#include "requestparser.h"

#include <QTest>

class TestRequestParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesOneRequest();
    void incrementalBytes();
    void pipelined();
    void badInput_data();
    void badInput();
    void chunkedBody();
    void absentVersusEmptyQuery();
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
    const QByteArray raw = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n";
    for (int i = 0; i < raw.size() - 1; ++i) {
        qsizetype used = 0;
        QCOMPARE(p.feed(raw.mid(i, 1), &used), RequestParser::Result::NeedMore);
        QCOMPARE(used, 1);
    }
    qsizetype used = 0;
    QCOMPARE(p.feed(raw.right(1), &used), RequestParser::Result::Complete);
    QCOMPARE(p.takeRequest().path, QByteArray("/x"));
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
}

void TestRequestParser::badInput_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::newRow("garbage request line") << QByteArray("HELLO\r\n\r\n") << 400;
    QTest::newRow("bad header line") << QByteArray("GET / HTTP/1.1\r\nNo colon here\r\n\r\n") << 400;
    QTest::newRow("CL and TE") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n") << 400;
    QTest::newRow("two different CL") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") << 400;
    QTest::newRow("headers too large") << (QByteArray("GET / HTTP/1.1\r\nX-Big: ") + QByteArray(40000, 'a') + "\r\n\r\n") << 431;
    QTest::newRow("body over limit") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n") << 413;
    QTest::newRow("chunked body over limit") << (QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n") + QByteArray(2000, 'x')) << 413;
    QTest::newRow("bad chunk size") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << 400;
    QTest::newRow("CONNECT") << QByteArray("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n") << 400;
    QTest::newRow("relative target") << QByteArray("GET foo HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
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
