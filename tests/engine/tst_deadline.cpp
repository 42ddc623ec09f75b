// Deadline on its owner's own timer (no QTimer per connection, issue 11's idle memory): it fires once,
// a later deadline pushes it back, a sooner one brings it forward, and an owner's other timers pass by.
// On simulated time (CoarseClock::simulateForTests) a move of the clock makes it expire at once, in its
// owner's thread, or re-times its timer to what is left.
#include "coarseclock.h"
#include "deadline.h"

#include <QScopeGuard>
#include <QThread>

#include <QElapsedTimer>
#include <QTest>
#include <QTimerEvent>

namespace {
class Owner : public QObject
{
public:
    Owner() : deadline(this, [this] { ++expired; expiredIn = QThread::currentThread(); }) {}
    Deadline deadline;
    std::atomic<int> expired = 0;
    std::atomic<QThread *> expiredIn = nullptr;
    int others = 0;

protected:
    void timerEvent(QTimerEvent *event) override
    {
        if (!deadline.timerEvent(event))
            ++others;
    }
};
} // namespace

class TestDeadline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { CoarseClock::simulateForTests(); }
    void firesOnce();
    void pushedBackAndBroughtForward();
    void otherTimersPassBy();
    void ownerGoneWhileArmed();
    void clockMovedPastIt();
    void clockMovedShortOfIt();
    void clockMovedForAnotherThread();
    void ownerGoneWithTheClockMovePending();
};

void TestDeadline::firesOnce()
{
    Owner o;
    QElapsedTimer t;
    t.start();
    o.deadline.arm(50);
    QTRY_COMPARE(o.expired.load(), 1);
    QVERIFY(t.elapsed() >= 40); // (the coarse clock's tick is a few ms)
    QTest::qWait(120);
    QCOMPARE(o.expired.load(), 1); // a single shot
}

// Moves the simulated clock on and lets this thread's owners hear of it.
void advance(qint64 ms)
{
    CoarseClock::advanceForTests(ms);
    QCoreApplication::processEvents();
}

void TestDeadline::pushedBackAndBroughtForward()
{
    Owner o;
    o.deadline.arm(40000);
    advance(20000);
    o.deadline.arm(150000); // later: the running timer finds it pushed back and waits on
    advance(60000);
    QCOMPARE(o.expired.load(), 0);
    advance(89000);
    QCOMPARE(o.expired.load(), 0);
    advance(2000);
    QCOMPARE(o.expired.load(), 1);
    o.deadline.arm(10000000);
    o.deadline.arm(30000); // sooner: the timer is started again
    advance(31000);
    QCOMPARE(o.expired.load(), 2);
    advance(10000000);
    QCOMPARE(o.expired.load(), 2); // that was its last arming
}

void TestDeadline::otherTimersPassBy()
{
    Owner o;
    const int other = o.startTimer(10);
    o.deadline.arm(60);
    QTRY_VERIFY(o.others >= 2);
    QCOMPARE(o.expired.load(), 0);
    QTRY_COMPARE(o.expired.load(), 1);
    o.killTimer(other);
}

void TestDeadline::ownerGoneWhileArmed()
{
    auto *o = new Owner;
    o->deadline.arm(20);
    delete o; // its timer goes with it
    QTest::qWait(60);
}

void TestDeadline::clockMovedPastIt()
{
    Owner o;
    QElapsedTimer wall;
    wall.start();
    o.deadline.arm(60000);
    CoarseClock::advanceForTests(60001);
    QTRY_COMPARE_WITH_TIMEOUT(o.expired.load(), 1, 1000);
    QVERIFY2(wall.elapsed() < 1000, qPrintable(QString::number(wall.elapsed())));
}

void TestDeadline::clockMovedShortOfIt()
{
    Owner o;
    o.deadline.arm(60000);
    advance(59950);
    QCOMPARE(o.expired.load(), 0);
    // Its timer now runs for what is left, 50 ms of wall time, not the 60 s it was started with.
    QTRY_COMPARE_WITH_TIMEOUT(o.expired.load(), 1, 1000);
}

void TestDeadline::clockMovedForAnotherThread()
{
    QThread thread;
    thread.start();
    auto *o = new Owner;
    const auto stop = qScopeGuard([&] {
        QMetaObject::invokeMethod(o, &QObject::deleteLater);
        thread.quit();
        thread.wait();
    });
    o->moveToThread(&thread);
    QMetaObject::invokeMethod(o, [o] { o->deadline.arm(30000); }, Qt::BlockingQueuedConnection);
    CoarseClock::advanceForTests(30001);
    QTRY_COMPARE_WITH_TIMEOUT(o->expired.load(), 1, 2000);
    QCOMPARE(o->expiredIn.load(), &thread);
}

void TestDeadline::ownerGoneWithTheClockMovePending()
{
    auto *o = new Owner;
    o->deadline.arm(1000);
    CoarseClock::advanceForTests(2000); // its event is posted...
    delete o;                            // ...and goes with it
    QCoreApplication::processEvents();
}

QTEST_GUILESS_MAIN(TestDeadline)
#include "tst_deadline.moc"
