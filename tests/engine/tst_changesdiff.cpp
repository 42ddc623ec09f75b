#include "bodytext.h"
#include "changesdiff.h"

#include "testexchange.h"

#include <QTest>

namespace {
} // namespace

class TestChangesDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firstDifference_data();
    void firstDifference();
    void smallBodiesAreDiffedByLine();
    void largeBodiesSayWhereTheyDiffer();
    void noUpstreamResponse();
    void requestSideChanges();
    void twoExchangesCompared();
    void shownTextIsBounded_data();
    void shownTextIsBounded();
};

// Issue 16, Compare: each message of one exchange against the same message of the other.
void TestChangesDiff::twoExchangesCompared()
{
    CapturedExchange a;
    a.routeId = "1";
    a.upstreamAddress = "127.0.0.1:1980";
    a.clientRequest.present = true;
    a.clientRequest.method = "GET";
    a.clientRequest.target = "/index.html";
    a.clientRequest.headers.add("Host", "h");
    a.upstreamRequest = a.clientRequest;
    a.upstreamResponse = capturedResponse("one\ntwo\n");
    a.clientResponse = a.upstreamResponse;
    a.timings.totalNs = 1500000;
    CapturedExchange b = a;
    b.timings.totalNs = 2500000;
    ExchangeChanges c = compareExchanges(a, b);
    QCOMPARE(c.sections.size(), 9); // the facts, then head and body of four messages
    for (const ChangeSection &s : c.sections)
        QVERIFY2(s.changedRows == 0, qPrintable(s.title + ": " + s.summary));
    QCOMPARE(c.notes.first(), QStringLiteral("The two exchanges are the same, message for message."));
    QCOMPARE(c.notes.last(), QStringLiteral("Total time: 1.500 ms (left), 2.500 ms (right)."));

    b.clientRequest.target = "/index.html?x=1";
    b.clientResponse.body = "one\nthree\n";
    b.clientResponse.bodySize = b.clientResponse.body.size();
    b.upstreamResponse = {};
    b.upstreamAddress.clear();
    b.errorStep = "ext-plugin-pre-req";
    b.errorText = "stopped";
    c = compareExchanges(a, b);
    QCOMPARE(c.sections.size(), 8); // the upstream response only on the left: one section says so
    QCOMPARE(c.sections[0].title, QStringLiteral("Exchange"));
    QCOMPARE(c.sections[0].changedRows, 2); // the node and the outcome
    QCOMPARE(c.sections[1].title, QStringLiteral("Client request: method, target and headers"));
    QCOMPARE(c.sections[1].rows[0].left, QStringLiteral("GET /index.html"));
    QCOMPARE(c.sections[1].rows[0].right, QStringLiteral("GET /index.html?x=1"));
    QCOMPARE(c.sections[5].title, QStringLiteral("Upstream response"));
    QCOMPARE(c.sections[5].summary, QStringLiteral("only the left exchange has one"));
    QCOMPARE(c.sections[7].title, QStringLiteral("Client response: body"));
    QCOMPARE(c.sections[7].changedRows, 1);
    const QString notes = c.notes.join('\n');
    QVERIFY2(notes.contains("Client request: method, target and headers: 1 line(s) differ"), qPrintable(notes));
    QVERIFY2(notes.contains("Upstream response: only the left exchange has one"), qPrintable(notes));
    QVERIFY2(notes.contains("Client response: body: 1 line(s) differ"), qPrintable(notes));
    QVERIFY2(!notes.contains("Upstream request"), qPrintable(notes));
}

// Issue 16: what the pre-req / post-req runners and the proxy changed in the request, diffed like the response.
void TestChangesDiff::requestSideChanges()
{
    CapturedExchange e;
    e.clientRequest.present = true;
    e.clientRequest.method = "POST";
    e.clientRequest.target = "/a?x=1";
    e.clientRequest.headers.add("Host", "h");
    e.clientRequest.headers.add("X-Secret", "s");
    e.clientRequest.body = "{\"n\":1}\n";
    e.clientRequest.bodySize = e.clientRequest.body.size();
    e.upstreamRequest = e.clientRequest;
    e.upstreamRequest.target = "/rewritten?x=1";
    e.upstreamRequest.headers.remove("x-secret");
    e.upstreamRequest.headers.add("X-Real-IP", "127.0.0.1");
    e.upstreamRequest.body = "{\"n\":2}\n";
    // No upstream response (a Stop, say): the request side is still shown.
    ExchangeChanges c = computeChanges(e);
    QVERIFY(!c.absent.isEmpty());
    QCOMPARE(c.sections.size(), 2);
    QVERIFY(c.sections[0].title.startsWith("Request"));
    QCOMPARE(c.sections[0].rows[0].left, QStringLiteral("POST /a?x=1"));
    QCOMPARE(c.sections[0].rows[0].right, QStringLiteral("POST /rewritten?x=1"));
    QStringList left, right;
    for (const DiffRow &r : c.sections[0].rows) {
        if (r.hasLeft && r.leftOp != DiffLine::Op::Same)
            left << r.left;
        if (r.hasRight && r.rightOp != DiffLine::Op::Same)
            right << r.right;
    }
    QVERIFY2(left.contains("x-secret: s"), qPrintable(left.join('|')));
    QVERIFY2(right.contains("x-real-ip: 127.0.0.1"), qPrintable(right.join('|')));
    QCOMPARE(c.sections[1].title, QStringLiteral("Request body"));
    QCOMPARE(c.sections[1].changedRows, 1);
    // With an upstream response, the response comes first and the request after it.
    e.upstreamResponse = capturedResponse("same\n");
    e.clientResponse = capturedResponse("same\n");
    c = computeChanges(e);
    QCOMPARE(c.sections.size(), 4);
    QCOMPARE(c.sections[0].title, QStringLiteral("Status and headers"));
    QVERIFY(c.sections[2].title.startsWith("Request"));
}

void TestChangesDiff::firstDifference_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<qsizetype>("at");
    QTest::newRow("same") << QByteArray("abc") << QByteArray("abc") << qsizetype(-1);
    QTest::newRow("both empty") << QByteArray() << QByteArray() << qsizetype(-1);
    QTest::newRow("first byte") << QByteArray("xbc") << QByteArray("abc") << qsizetype(0);
    QTest::newRow("middle") << QByteArray("abXd") << QByteArray("abcd") << qsizetype(2);
    QTest::newRow("prefix") << QByteArray("ab") << QByteArray("abcd") << qsizetype(2);
    QTest::newRow("longer") << QByteArray("abcd") << QByteArray("ab") << qsizetype(2);
}

void TestChangesDiff::firstDifference()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(qsizetype, at);
    QCOMPARE(::firstDifference(a, b), at);
}

void TestChangesDiff::smallBodiesAreDiffedByLine()
{
    CapturedExchange e;
    e.upstreamResponse = capturedResponse("one\ntwo\nthree\n");
    e.clientResponse = capturedResponse("one\nTWO\nthree\n");
    e.clientResponse.status = 202;
    e.clientResponse.reason = "Accepted";
    const ExchangeChanges c = computeChanges(e);
    QCOMPARE(c.sections.size(), 2);
    QCOMPARE(c.sections[0].summary, QStringLiteral("1 line(s) differ")); // the status line
    QCOMPARE(c.sections[1].changedRows, 1);
    QCOMPARE(c.sections[1].rows.size(), 3);
    QCOMPARE(c.sections[1].rows[1].left, QStringLiteral("two"));
    QCOMPARE(c.sections[1].rows[1].right, QStringLiteral("TWO"));
}

void TestChangesDiff::largeBodiesSayWhereTheyDiffer()
{
    QByteArray before(5 * 1024 * 1024, 'a');
    for (qsizetype i = 80; i < before.size(); i += 81)
        before[i] = '\n';
    QByteArray after = before;
    after[3'000'000] = 'Z';
    CapturedExchange e;
    e.upstreamResponse = capturedResponse(before);
    e.clientResponse = capturedResponse(after);
    const ExchangeChanges c = computeChanges(e);
    QVERIFY(c.sections[1].rows.isEmpty()); // not diffed line by line
    QVERIFY2(c.sections[1].summary.startsWith("bodies differ (5242880 bytes vs 5242880 bytes), first difference at offset 3000000; too"),
             qPrintable(c.sections[1].summary));
    e.clientResponse = capturedResponse(before);
    QVERIFY(computeChanges(e).sections[1].summary.startsWith("identical, 5242880 bytes"));
    // Truncated by the capture, the kept parts the same: the difference is beyond what was kept.
    e.upstreamResponse.body = before.left(1024 * 1024);
    e.clientResponse.body = before.left(1024 * 1024);
    e.clientResponse.bodySize = before.size() + 8;
    QVERIFY2(computeChanges(e).sections[1].summary.startsWith("bodies differ in size (5242880 bytes vs 5242888 bytes); the 1.0 MiB kept of each are identical"),
             qPrintable(computeChanges(e).sections[1].summary));
    // Under the limits, the same kind of body is diffed by line.
    ChangesLimits wide;
    wide.maxDiffBytes = 64 * 1024 * 1024;
    wide.maxDiffLines = 1'000'000;
    e.upstreamResponse = capturedResponse(before.left(81 * 2000));
    e.clientResponse = capturedResponse(after.left(81 * 2000));
    QCOMPARE(computeChanges(e, wide).sections[1].changedRows, 0);
}

void TestChangesDiff::noUpstreamResponse()
{
    CapturedExchange e;
    e.errorStep = "ext-plugin-pre-req";
    e.errorText = "runner unreachable";
    const ExchangeChanges c = computeChanges(e);
    QVERIFY(c.sections.isEmpty());
    QCOMPARE(c.absent, QStringLiteral("No upstream response to compare: ext-plugin-pre-req: runner unreachable"));
}

void TestChangesDiff::shownTextIsBounded_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qsizetype>("maxChars");
    QTest::addColumn<qsizetype>("maxLine");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<bool>("cut");
    QTest::addColumn<bool>("split");
    QTest::newRow("fits") << "ab\ncd" << qsizetype(-1) << qsizetype(10) << "ab\ncd" << false << false;
    QTest::newRow("trailing newline") << "ab\n" << qsizetype(-1) << qsizetype(10) << "ab\n" << false << false;
    QTest::newRow("prefix") << "abcdef" << qsizetype(3) << qsizetype(10) << "abc" << true << false;
    QTest::newRow("long line split") << "abcdefg\nh" << qsizetype(-1) << qsizetype(3) << "abc\ndef\ng\nh" << false << true;
    QTest::newRow("exact line") << "abc\nd" << qsizetype(-1) << qsizetype(3) << "abc\nd" << false << false;
    QTest::newRow("empty lines kept") << "a\n\nb" << qsizetype(-1) << qsizetype(3) << "a\n\nb" << false << false;
}

void TestChangesDiff::shownTextIsBounded()
{
    QFETCH(QString, text);
    QFETCH(qsizetype, maxChars);
    QFETCH(qsizetype, maxLine);
    const ShownText s = shownText(text, maxChars, maxLine);
    QTEST(s.text, "shown");
    QTEST(s.cut, "cut");
    QTEST(s.linesSplit, "split");
}

QTEST_GUILESS_MAIN(TestChangesDiff)
#include "tst_changesdiff.moc"
