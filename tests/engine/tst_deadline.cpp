// Deadline on its owner's own timer (no QTimer per connection, issue 11's idle memory): it fires once,
// a later deadline pushes it back, a sooner one brings it forward, and an owner's other timers pass by.
#include "deadline.h"

#include <QElapsedTimer>
#include <QTest>
#include <QTimerEvent>

namespace {
class Owner : public QObject
{
public:
    Owner() : deadline(this, [this] { ++expired; }) {}
    Deadline deadline;
    int expired = 0;
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
    void firesOnce();
    void pushedBackAndBroughtForward();
    void otherTimersPassBy();
    void ownerGoneWhileArmed();
};

void TestDeadline::firesOnce()
{
    Owner o;
    QElapsedTimer t;
    t.start();
    o.deadline.arm(50);
    QTRY_COMPARE(o.expired, 1);
    QVERIFY(t.elapsed() >= 40); // (the coarse clock's tick is a few ms)
    QTest::qWait(120);
    QCOMPARE(o.expired, 1); // a single shot
}

void TestDeadline::pushedBackAndBroughtForward()
{
    Owner o;
    QElapsedTimer t;
    t.start();
    o.deadline.arm(40);
    QTest::qWait(20);
    o.deadline.arm(150); // later: the running timer finds it pushed back and waits on
    QTest::qWait(60);
    QCOMPARE(o.expired, 0);
    QTRY_COMPARE_WITH_TIMEOUT(o.expired, 1, 2000);
    QVERIFY2(t.elapsed() >= 150, qPrintable(QString::number(t.elapsed())));
    o.deadline.arm(10000);
    o.deadline.arm(30); // sooner: the timer is started again
    QTRY_COMPARE_WITH_TIMEOUT(o.expired, 2, 1000);
}

void TestDeadline::otherTimersPassBy()
{
    Owner o;
    const int other = o.startTimer(10);
    o.deadline.arm(60);
    QTRY_VERIFY(o.others >= 2);
    QCOMPARE(o.expired, 0);
    QTRY_COMPARE(o.expired, 1);
    o.killTimer(other);
}

void TestDeadline::ownerGoneWhileArmed()
{
    auto *o = new Owner;
    o->deadline.arm(20);
    delete o; // its timer goes with it
    QTest::qWait(60);
}

QTEST_GUILESS_MAIN(TestDeadline)
#include "tst_deadline.moc"
