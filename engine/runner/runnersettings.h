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
    void setSocketPath(const QString &path)
    {
        QMutexLocker lock(&m_mutex);
        m_socketPath = path;
    }
    quint64 generation() const { return m_generation.load(std::memory_order_acquire); }
    void bumpGeneration() { m_generation.fetch_add(1, std::memory_order_acq_rel); }

private:
    const RunnerSettings m_settings;
    mutable QMutex m_mutex;
    QString m_socketPath;
    std::atomic<quint64> m_generation{1};
};
