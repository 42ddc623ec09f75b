// Big bodies never block the GUI thread: the views lay out a bounded prefix, diff off the GUI thread,
// and say how bodies too big to diff differ.
#include "changesview.h"
#include "exchangeview.h"
#include "messageview.h"

#include <QElapsedTimer>
#include <QFile>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include "testexchange.h"

#include <QTest>
#include <QTextBlock>

namespace {

ExchangePtr exchange(const QByteArray &before, const QByteArray &after)
{
    auto e = std::make_shared<CapturedExchange>();
    e->id = 1;
    e->clientRequest.present = true;
    e->clientRequest.method = "GET";
    e->clientRequest.target = "/big";
    e->upstreamResponse = capturedResponse(before);
    e->clientResponse = capturedResponse(after);
    e->notes << "ext-plugin-post-resp replaced the body";
    return e;
}

QByteArray lines(qsizetype bytes, char fill)
{
    QByteArray b(bytes, fill);
    for (qsizetype i = 99; i < b.size(); i += 100)
        b[i] = '\n';
    return b;
}

// The longest the GUI thread was busy in one go, in ms, while `work` runs and what it started settles.
template<typename Work, typename Done>
qint64 longestStall(Work work, Done done)
{
    QElapsedTimer t;
    t.start();
    work();
    qint64 longest = t.elapsed();
    QElapsedTimer total;
    total.start();
    while (!done() && total.elapsed() < 60000) {
        t.restart();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        longest = qMax(longest, t.elapsed());
        QTest::qSleep(1);
    }
    return longest;
}
} // namespace

class TestBigBodies : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void changesOnHugeBodies_data();
    void changesOnHugeBodies();
    void longDiffShowsItsFirstRows();
    void oneVeryLongLine();
    void messageViewShowsAPrefix();
    void saveBodyWritesTheExactBytes();
};

void TestBigBodies::changesOnHugeBodies_data()
{
    QTest::addColumn<qsizetype>("size");
    QTest::newRow("5 MB") << qsizetype(5 * 1024 * 1024);
    QTest::newRow("50 MB") << qsizetype(50 * 1024 * 1024);
}

void TestBigBodies::changesOnHugeBodies()
{
    QFETCH(qsizetype, size);
    QByteArray after = lines(size, 'a');
    after[size / 2] = 'Z';
    const ExchangePtr e = exchange(lines(size, 'a'), after);
    ExchangeView view;
    view.resize(1000, 600);
    view.show();
    view.setCurrentIndex(ExchangeView::Changes);
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    ChangesView *changes = view.changesView();
    const qint64 stall = longestStall([&] { view.setExchange(e); }, [&] { return !changes->isComputing(); });
    QVERIFY(!changes->isComputing());
    QVERIFY2(stall < 250, qPrintable(QStringLiteral("GUI thread busy %1 ms at once").arg(stall))); // generous for CI; the bench reports the real figure
    const QString text = changes->plainText();
    QVERIFY2(text.contains(QStringLiteral("bodies differ (%1 bytes vs %1 bytes), first difference at offset %2").arg(size).arg(size / 2)), qPrintable(text.left(600)));
    QVERIFY(text.contains("ext-plugin-post-resp replaced the body"));
}

void TestBigBodies::longDiffShowsItsFirstRows()
{
    QByteArray before, after;
    for (int i = 0; i < 6000; ++i) {
        before += "line " + QByteArray::number(i) + "\n";
        after += "LINE " + QByteArray::number(i) + "\n";
    }
    ChangesView view;
    view.setExchange(exchange(before, after));
    QTRY_VERIFY(!view.isComputing());
    QVERIFY(view.showAllButton()->isVisibleTo(&view));
    QCOMPARE(view.before()->document()->blockCount(), ChangesView::kShownRows);
    QCOMPARE(view.before()->document()->blockCount(), view.after()->document()->blockCount()); // rows line up
    QCOMPARE(view.after()->document()->findBlockByNumber(10).userState(), int(ChangesView::Added));
    view.showAllButton()->click();
    QVERIFY(view.before()->document()->blockCount() > 6000);
    QVERIFY(!view.showAllButton()->isVisibleTo(&view));
}

void TestBigBodies::oneVeryLongLine()
{
    // 1 MiB on one line: what made the old view lay out for minutes.
    const QByteArray before(1024 * 1024, 'a');
    QByteArray after = before;
    after[500] = 'b';
    ExchangeView view;
    view.resize(1000, 600);
    view.show();
    const ExchangePtr e = exchange(before, after);
    view.setCurrentIndex(ExchangeView::Changes);
    const qint64 stall = longestStall([&] { view.setExchange(e); }, [&] { return !view.changesView()->isComputing(); });
    QVERIFY2(stall < 250, qPrintable(QStringLiteral("GUI thread busy %1 ms at once").arg(stall)));
    QVERIFY(view.changesView()->plainText().contains("first difference at offset 500"));
    view.setCurrentIndex(ExchangeView::ClientResponse);
    MessageView *message = view.messageView(ExchangeView::ClientResponse);
    QTRY_VERIFY(message->plainText().size() > 1000);
    QVERIFY(message->plainText().size() <= MessageView::kShownChars + 2000 + MessageView::kShownChars / MessageView::kLineChars);
}

void TestBigBodies::messageViewShowsAPrefix()
{
    const QByteArray body = lines(3 * 1024 * 1024, 'x');
    MessageView view;
    view.show();
    view.setMessage(capturedResponse(body), false, "none");
    QTRY_VERIFY(view.showAllButton()->isVisibleTo(&view));
    QVERIFY(view.plainText().size() < MessageView::kShownChars + 1000);
    QVERIFY(view.plainText().startsWith("HTTP/1.1 200 OK"));
    QVERIFY(view.find("xxxx").count > 0); // find works on what is shown
    view.showAllButton()->click();
    QVERIFY(view.plainText().size() > body.size());
    QVERIFY(!view.showAllButton()->isVisibleTo(&view));
}

void TestBigBodies::saveBodyWritesTheExactBytes()
{
    QTemporaryDir dir;
    QByteArray body;
    for (int i = 0; i < 256; ++i)
        body += char(i);
    MessageView view;
    view.setMessage(capturedResponse(body, "application/octet-stream"), false, "none");
    QVERIFY(view.saveButton()->isVisibleTo(&view));
    const QString path = dir.filePath("body.bin");
    QCOMPARE(view.saveBody(path), QString());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), body);
    QVERIFY(view.saveBody("/proc/routescope-body.bin").startsWith("cannot")); // a clear error, not a crash
}

QTEST_MAIN(TestBigBodies)
#include "tst_bigbodies.moc"
