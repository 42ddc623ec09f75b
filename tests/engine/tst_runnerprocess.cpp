#include "runnerprocess.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <ctime>
#include <unistd.h>
#include <utime.h>

class TestRunnerProcess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void staleFoldersAreRemoved();
};

void TestRunnerProcess::staleFoldersAreRemoved()
{
    QTemporaryDir base;
    QProcess gone;
    gone.start("true");
    QVERIFY(gone.waitForFinished());
    const qint64 deadPid = gone.processId() ? gone.processId() : 0;
    QProcess alive;
    alive.start("sleep", {"30"});
    QVERIFY(alive.waitForStarted());
    auto make = [&base](const QString &name, bool old) {
        QVERIFY(QDir(base.path()).mkpath(name + "/inner"));
        QFile sock(base.filePath(name + "/runner.sock"));
        QVERIFY(sock.open(QIODevice::WriteOnly)); // a leftover socket file nobody listens on
        sock.close();
        if (old) {
            const utimbuf hourAgo{::time(nullptr) - 3600, ::time(nullptr) - 3600};
            QCOMPARE(::utime(QFile::encodeName(base.filePath(name)).constData(), &hourAgo), 0);
        }
    };
    // deadPid is 0 when QProcess already reaped it; then take a pid that cannot exist.
    const QString dead = QStringLiteral("routescope-runner-%1-AbC123").arg(deadPid ? deadPid : 4194304 + 1);
    const QString mine = QStringLiteral("routescope-runner-%1-AbC123").arg(::getpid());
    const QString living = QStringLiteral("routescope-runner-%1-AbC123").arg(alive.processId());
    make(dead, false);
    make(mine, true);
    make(living, true);
    make("routescope-runner-Old123", true);
    make("routescope-runner-New123", false);
    make("routescope-runner-notes", true);
    QCOMPARE(RunnerProcess::removeStaleFolders(base.path()), 2);
    QVERIFY(!QFileInfo::exists(base.filePath(dead)));
    QVERIFY(!QFileInfo::exists(base.filePath("routescope-runner-Old123")));
    for (const QString &kept : {mine, living, QStringLiteral("routescope-runner-New123"), QStringLiteral("routescope-runner-notes")})
        QVERIFY2(QFileInfo::exists(base.filePath(kept)), qPrintable(kept));
    alive.kill();
    alive.waitForFinished();
    QCOMPARE(RunnerProcess::removeStaleFolders(base.path()), 1); // its process is gone now
}

QTEST_GUILESS_MAIN(TestRunnerProcess)
#include "tst_runnerprocess.moc"
