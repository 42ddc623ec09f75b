#include "epolldispatcher.h"

#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

namespace {
// A thread running on the EpollDispatcher; `work` runs in it and its result is waited for.
template<typename Work>
auto inDispatcherThread(Work work)
{
    QThread thread;
    thread.setEventDispatcher(new EpollDispatcher);
    thread.start();
    decltype(work()) result{};
    QObject context;
    context.moveToThread(&thread);
    QMetaObject::invokeMethod(&context, [&] { result = work(); }, Qt::BlockingQueuedConnection);
    thread.quit();
    const bool stopped = thread.wait(5000);
    return std::make_pair(result, stopped);
}
} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void timersFireOnTimeAndStop();
    void socketNotifiersFollowEnabling();
    void postedEventsFromOtherThreadsWakeIt();
};

void TestEpollDispatcher::timersFireOnTimeAndStop()
{
    const auto [result, stopped] = inDispatcherThread([] {
        QEventLoop loop;
        QElapsedTimer clock;
        clock.start();
        int ticks = 0;
        qint64 singleShotAt = -1;
        QTimer repeating;
        repeating.setInterval(10);
        QObject::connect(&repeating, &QTimer::timeout, [&] {
            if (++ticks == 5)
                repeating.stop();
        });
        repeating.start();
        QTimer::singleShot(60, [&] { singleShotAt = clock.elapsed(); });
        QTimer::singleShot(150, &loop, &QEventLoop::quit);
        loop.exec();
        return QList<qint64>{ticks, singleShotAt, clock.elapsed()};
    });
    QVERIFY(stopped);
    QCOMPARE(result[0], 5);                     // stopped after five ticks, not one more
    // never early, and not much later
    QVERIFY2(result[1] >= 60 && result[1] < 1000, qPrintable(QString::number(result[1])));
    QVERIFY2(result[2] >= 150 && result[2] < 1000, qPrintable(QString::number(result[2])));
}

void TestEpollDispatcher::socketNotifiersFollowEnabling()
{
    int fds[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    const auto [result, stopped] = inDispatcherThread([fds] {
        QEventLoop loop;
        int activations = 0;
        QSocketNotifier notifier(fds[0], QSocketNotifier::Read);
        QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
            char buffer[16];
            [[maybe_unused]] const ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
            if (++activations == 1) {
                notifier.setEnabled(false); // the next byte must wait until it is enabled again
                [[maybe_unused]] const ssize_t w = ::write(fds[1], "y", 1);
                QTimer::singleShot(50, [&] {
                    if (activations == 1)
                        notifier.setEnabled(true);
                });
            } else {
                loop.quit();
            }
        });
        [[maybe_unused]] const ssize_t w = ::write(fds[1], "x", 1);
        QTimer::singleShot(2000, &loop, &QEventLoop::quit);
        QElapsedTimer clock;
        clock.start();
        loop.exec();
        return QList<qint64>{activations, clock.elapsed()};
    });
    ::close(fds[0]);
    ::close(fds[1]);
    QVERIFY(stopped);
    QCOMPARE(result[0], 2);
    QVERIFY2(result[1] >= 50 && result[1] < 2000, qPrintable(QString::number(result[1])));
}

void TestEpollDispatcher::postedEventsFromOtherThreadsWakeIt()
{
    QThread thread;
    thread.setEventDispatcher(new EpollDispatcher);
    thread.start();
    QObject context;
    context.moveToThread(&thread);
    QAtomicInt done;
    for (int i = 0; i < 100; ++i) // each one has to wake a sleeping loop
        QMetaObject::invokeMethod(&context, [&done] { done.fetchAndAddRelaxed(1); }, Qt::QueuedConnection);
    QTRY_COMPARE(done.loadRelaxed(), 100);
    thread.quit();
    QVERIFY(thread.wait(5000)); // quit() interrupts the wait
}

QTEST_GUILESS_MAIN(TestEpollDispatcher)
#include "tst_epolldispatcher.moc"
