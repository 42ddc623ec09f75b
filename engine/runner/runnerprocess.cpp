#include "runnerprocess.h"

#include <QDateTime>
#include <QDir>
#include <QRegularExpression>
#include <QFileInfo>
#include <QLocalSocket>
#include <QStandardPaths>

#include <cerrno>
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace {
constexpr int kRespawnMs = 3000;
constexpr int kMaxBackoffMs = 60000;
constexpr int kHealthyAfterMs = 10000;
constexpr qsizetype kSunPathMax = 107;
} // namespace

RunnerProcess::RunnerProcess(std::shared_ptr<RunnerEndpoint> endpoint, QObject *parent)
    : QObject(parent), m_endpoint(std::move(endpoint))
{
    m_readyPoll.setParent(this);
    m_readyPoll.setInterval(20);
    connect(&m_readyPoll, &QTimer::timeout, this, &RunnerProcess::pollReady);
    m_respawn.setParent(this);
    m_respawn.setSingleShot(true);
    connect(&m_respawn, &QTimer::timeout, this, &RunnerProcess::spawn);
}

RunnerProcess::~RunnerProcess()
{
    stop();
}

namespace {
// Where the private runner folder goes: the user's runtime directory when it can be written, else /tmp.
QString folderBase()
{
    const QString base = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return base.isEmpty() || !QFileInfo(base).isWritable() ? QDir::tempPath() : base;
}
} // namespace

int RunnerProcess::removeStaleFolders(const QString &base)
{
    static const QRegularExpression named(QStringLiteral("^routescope-runner-(?:(\\d+)-)?[A-Za-z0-9]{6}$"));
    int removed = 0;
    const QFileInfoList entries = QDir(base).entryInfoList({QStringLiteral("routescope-runner-*")}, QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    for (const QFileInfo &dir : entries) {
        const QRegularExpressionMatch m = named.match(dir.fileName());
        if (!m.hasMatch() || dir.ownerId() != ::getuid() || dir.isSymLink())
            continue;
        bool stale = false;
        if (m.hasCaptured(1)) {
            const qint64 pid = m.captured(1).toLongLong();
            stale = pid > 0 && pid != ::getpid() && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
        } else {
            QLocalSocket probe;
            probe.connectToServer(dir.filePath() + QStringLiteral("/runner.sock"));
            const bool listening = probe.waitForConnected(100);
            stale = !listening && dir.lastModified().secsTo(QDateTime::currentDateTime()) > 60;
        }
        if (stale && QDir(dir.filePath()).removeRecursively())
            ++removed;
    }
    return removed;
}

QString RunnerProcess::start()
{
    const QString base = folderBase();
    removeStaleFolders(base);
    m_dir = std::make_unique<QTemporaryDir>(base + QStringLiteral("/routescope-runner-%1-XXXXXX").arg(::getpid())); // created 0700
    if (!m_dir->isValid())
        return QStringLiteral("cannot create a private folder for the runner socket: %1").arg(m_dir->errorString());
    m_socketPath = m_dir->filePath(QStringLiteral("runner.sock"));
    if (QFile::encodeName(m_socketPath).size() > kSunPathMax)
        return QStringLiteral("runner socket path %1 is longer than the 107 bytes a Unix socket allows").arg(m_socketPath);
    m_stopping = false;
    spawn();
    return {};
}

void RunnerProcess::spawn()
{
    const RunnerSettings &s = m_endpoint->settings();
    QFile::remove(m_socketPath); // a stale socket from a runner that died
    m_process = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // A third-party runner gets nothing of ours it does not need: no admin key above all, which would let
    // it reconfigure the gateway. What the workspace's runner.env names is still passed (below).
    for (const QString &name : env.keys())
        if (name.startsWith(QLatin1String("ROUTESCOPE_")) || name == QLatin1String("APISIX_ADMIN_KEY"))
            env.remove(name);
    env.insert(QStringLiteral("APISIX_LISTEN_ADDRESS"), QStringLiteral("unix:") + m_socketPath);
    env.insert(QStringLiteral("APISIX_CONF_EXPIRE_TIME"), QString::number(s.confExpireSeconds));
    for (auto it = s.env.begin(); it != s.env.end(); ++it)
        env.insert(it.key(), it.value());
    m_process->setProcessEnvironment(env);
    m_process->setProgram(s.cmd.first());
    m_process->setArguments(s.cmd.mid(1));
    // If RouteScope dies without stopping it, the kernel still ends the runner: no orphans.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] { readLines(QProcess::StandardOutput); });
    connect(m_process, &QProcess::readyReadStandardError, this, [this] { readLines(QProcess::StandardError); });
    connect(m_process, &QProcess::finished, this, &RunnerProcess::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, &RunnerProcess::onErrorOccurred);
    setState(State::Starting, s.cmd.join(QLatin1Char(' ')));
    m_upSince.start();
    m_process->start();
    m_readyPoll.start();
}

void RunnerProcess::pollReady()
{
    if (!QFileInfo::exists(m_socketPath))
        return;
    QLocalSocket probe;
    probe.connectToServer(m_socketPath);
    if (!probe.waitForConnected(100))
        return;
    probe.abort();
    m_readyPoll.stop();
    m_endpoint->setSocketPath(m_socketPath);
    setState(State::Ready, QStringLiteral("listening on %1 (pid %2)").arg(m_socketPath).arg(m_process ? m_process->processId() : 0));
}

void RunnerProcess::readLines(QProcess::ProcessChannel channel)
{
    if (!m_process)
        return;
    m_process->setReadChannel(channel);
    QByteArray &partial = m_partial[channel == QProcess::StandardOutput ? 0 : 1];
    partial += m_process->readAll();
    qsizetype nl;
    while ((nl = partial.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(partial.left(nl)).trimmed();
        partial.remove(0, nl + 1);
        Q_EMIT outputLine(channel == QProcess::StandardOutput ? QStringLiteral("stdout") : QStringLiteral("stderr"), line);
    }
}

void RunnerProcess::onFinished(int code, QProcess::ExitStatus status)
{
    m_readyPoll.stop();
    readLines(QProcess::StandardOutput);
    readLines(QProcess::StandardError);
    const QString reason = status == QProcess::CrashExit ? QStringLiteral("killed by a signal") : QStringLiteral("exited with code %1").arg(code);
    m_process->deleteLater();
    m_process = nullptr;
    m_endpoint->setSocketPath(QString());
    m_endpoint->bumpGeneration(); // every conf token died with it
    if (m_stopping)
        return;
    scheduleRespawn(reason);
}

void RunnerProcess::onErrorOccurred(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || !m_process)
        return;
    const QString reason = QStringLiteral("could not start %1: %2").arg(m_endpoint->settings().cmd.first(), m_process->errorString());
    m_readyPoll.stop();
    m_process->deleteLater();
    m_process = nullptr;
    m_endpoint->setSocketPath(QString());
    m_endpoint->bumpGeneration();
    if (!m_stopping)
        scheduleRespawn(reason);
}

void RunnerProcess::scheduleRespawn(const QString &reason)
{
    // A runner that keeps dying soon after start waits longer each time; a healthy run resets that.
    if (m_upSince.isValid() && m_upSince.elapsed() >= kHealthyAfterMs)
        m_backoffMs = kRespawnMs;
    setState(State::Exited, reason);
    setState(State::Respawning, QStringLiteral("restarting in %1 s").arg(m_backoffMs / 1000.0));
    m_respawn.start(m_backoffMs);
    m_backoffMs = qMin(m_backoffMs * 2, kMaxBackoffMs);
}

void RunnerProcess::stop()
{
    m_stopping = true;
    m_respawn.stop();
    m_readyPoll.stop();
    if (m_process) {
        QProcess *p = m_process;
        m_process = nullptr;
        disconnect(p, nullptr, this, nullptr);
        if (p->state() != QProcess::NotRunning) {
            p->terminate(); // SIGTERM
            if (!p->waitForFinished(1000)) {
                p->kill();
                p->waitForFinished(1000);
            }
        }
        delete p;
        m_endpoint->setSocketPath(QString());
        m_endpoint->bumpGeneration();
    }
    if (!m_socketPath.isEmpty())
        QFile::remove(m_socketPath);
    m_dir.reset(); // removes the private folder
    if (m_state != State::Stopped)
        setState(State::Stopped, QStringLiteral("stopped"));
}

void RunnerProcess::restart()
{
    stop();
    m_backoffMs = kRespawnMs;
    if (const QString error = start(); !error.isEmpty())
        setState(State::Stopped, error);
}

void RunnerProcess::setState(State s, const QString &detail)
{
    m_state = s;
    qInfo("runner: %s", qPrintable(detail));
    Q_EMIT stateChanged(s, detail);
}
