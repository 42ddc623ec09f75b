#pragma once

#include <QJsonObject>
#include <QMap>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <atomic>

// How the engine reaches a Plugin Runner, like APISIX's `ext-plugin` section: a command to start
// (argv, no shell) or a socket where a runner the user started listens (APISIX's path_for_test).
struct RunnerSettings
{
    QStringList cmd;
    QMap<QString, QString> env;  // extra environment for the runner process
    QString socketPath;          // connect mode when set (and cmd is empty)
    int confExpireSeconds = 3600;
    int timeoutMs = 60000;       // send and read timeout of one call
    int connectTimeoutMs = 1000;

    bool isConfigured() const { return !cmd.isEmpty() || !socketPath.isEmpty(); }
    static RunnerSettings fromJson(const QJsonObject &runner);
    QJsonObject toJson() const;
};

// Splits a command line like a POSIX shell would (quotes and backslashes), without running one.
// Returns false on an unterminated quote.
bool splitCommandLine(const QString &line, QStringList *argv);

// Where the runner listens right now, shared by the runner process manager (writer) and the workers
// (readers). `generation` changes whenever the runner behind the socket changes (exit, restart), which
// invalidates every cached conf token at once.
class RunnerEndpoint
{
public:
    explicit RunnerEndpoint(RunnerSettings settings) : m_settings(std::move(settings)) {}

    const RunnerSettings &settings() const { return m_settings; }
    QString socketPath() const
    {
        QMutexLocker lock(&m_mutex);
        return m_socketPath;
    }
    // A runner listens there now (empty: none does); a new one is not taken for down.
    void setSocketPath(const QString &path)
    {
        QMutexLocker lock(&m_mutex);
        m_socketPath = path;
        if (!path.isEmpty())
            m_down.store(false);
    }
    quint64 generation() const { return m_generation.load(std::memory_order_acquire); }
    void bumpGeneration() { m_generation.fetch_add(1, std::memory_order_acq_rel); }

    // What connecting found, from any worker. While the runner is known to be down, calls fail at once
    // with why (instead of each waiting for the connect timeout); every kProbeMs one call is let through
    // to look again.
    static constexpr int kProbeMs = 1000;
    void noteUnreachable(const QString &why);
    // A connection was made to the process `pid` (0: not known). A runner that is back after being
    // unreachable, or another process than before behind the same socket, is a new runner: every conf
    // token of the old one is dropped (generation), as its tokens mean other confs in the new one.
    void noteConnected(qint64 pid);
    // Why the runner is known to be down now, or empty (go on and connect).
    QString knownDown();

private:
    const RunnerSettings m_settings;
    mutable QMutex m_mutex;
    QString m_socketPath;
    std::atomic<quint64> m_generation{1};
    std::atomic<bool> m_down{false}; // fast path: a plain load per call while all is well
    QString m_downWhy;
    qint64 m_downSinceMs = 0;
    qint64 m_probeAtMs = 0;
    bool m_wasUnreachable = false;
    qint64 m_pid = 0;
};
