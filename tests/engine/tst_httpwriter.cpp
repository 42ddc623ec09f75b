// The one HTTP writer: what every sender of HTTP/1.1 in the engine puts on the wire.
#include "httpwriter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

class TestHttpWriter : public QObject
{
    Q_OBJECT
private slots:
    void heads();
    void chunks();
    void errorBodyIsJson();
    void hopByHop();
    void replayKeepsTheRequestButItsFraming();
};

void TestHttpWriter::heads()
{
    QByteArray out;
    HttpWriter::requestLine(out, "GET", "/a?b=1");
    HttpHeaders h;
    h.add("Host", "x");
    h.add("X-Two", "1");
    h.add("x-two", "2");
    HttpWriter::fields(out, h);
    HttpWriter::endHead(out);
    QCOMPARE(out, QByteArray("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Two: 1\r\nx-two: 2\r\n\r\n"));
    out.clear();
    HttpWriter::statusLine(out, 404);
    HttpWriter::statusLine(out, 200, "Fine");
    QCOMPARE(out, QByteArray("HTTP/1.1 404 Not Found\r\nHTTP/1.1 200 Fine\r\n"));
    // The status lines nginx writes when APISIX sets the status (a runner's 202, a Stop with 405 or 418).
    out.clear();
    for (int status : {202, 302, 405, 408, 418, 422, 429})
        HttpWriter::statusLine(out, status);
    QCOMPARE(out, QByteArray("HTTP/1.1 202 Accepted\r\nHTTP/1.1 302 Moved Temporarily\r\nHTTP/1.1 405 Not Allowed\r\n"
                             "HTTP/1.1 408 Request Time-out\r\nHTTP/1.1 418 \r\nHTTP/1.1 422 \r\nHTTP/1.1 429 Too Many Requests\r\n"));
}

void TestHttpWriter::chunks()
{
    QByteArray out;
    HttpWriter::chunk(out, "hello, world!!!!!", 17);
    out.append(HttpWriter::kLastChunk);
    QCOMPARE(out, QByteArray("11\r\nhello, world!!!!!\r\n0\r\n\r\n"));
}

void TestHttpWriter::errorBodyIsJson()
{
    const QString message = QStringLiteral("malformed \"request\": a\\b\nnext line, café");
    const QByteArray body = HttpWriter::errorBody(message);
    QVERIFY(body.endsWith("}\n"));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.object().value("error_msg").toString(), message); // nothing lost, nothing broken
}

void TestHttpWriter::hopByHop()
{
    for (const char *h : {"Connection", "keep-alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"})
        QVERIFY2(HttpWriter::isHopByHop(h, {}), h);
    QVERIFY(!HttpWriter::isHopByHop("X-Secret", {}));
    QVERIFY(HttpWriter::isHopByHop("X-Secret", "keep-alive, x-secret"));
    QVERIFY(!HttpWriter::isHopByHop("X-Secretive", "x-secret"));
}

void TestHttpWriter::replayKeepsTheRequestButItsFraming()
{
    HttpHeaders h;
    h.add("Host", "a");
    h.add("Transfer-Encoding", "chunked");
    h.add("Connection", "keep-alive");
    h.add("X-Keep", "1");
    QCOMPARE(HttpWriter::replayRequest("POST", "/p", h, "body"),
             QByteArray("POST /p HTTP/1.1\r\nHost: a\r\nX-Keep: 1\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody"));
    QCOMPARE(HttpWriter::replayRequest("GET", "/", HttpHeaders(), {}), QByteArray("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
}

QTEST_GUILESS_MAIN(TestHttpWriter)
#include "tst_httpwriter.moc"
