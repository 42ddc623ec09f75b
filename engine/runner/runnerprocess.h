#pragma once

#include "runnersettings.h"

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

// Starts and keeps alive the Plugin Runner process, like APISIX does with ext-plugin.cmd:
// APISIX_LISTEN_ADDRESS=unix:<private dir>/runner.sock and APISIX_CONF_EXPIRE_TIME in its environment,
// stdout/stderr captured line by line, a respawn 3 s after it exits (backing off while it keeps dying),
// SIGTERM then SIGKILL after 1 s on stop, and the socket and its folder removed afterwards.
class RunnerProcess : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Ready, Exited, Respawning };
    Q_ENUM(State)

    RunnerProcess(std::shared_ptr<RunnerEndpoint> endpoint, QObject *parent = nullptr);
    ~RunnerProcess() override;

    // Returns an error text when the runner cannot even be set up (e.g. no private folder).
    QString start();
    void stop();
    // Ends the runner (SIGTERM, SIGKILL after a second) and starts it again at once, its back-off reset:
    // what the user asks for after rebuilding a runner. An error of start() is reported as Stopped.
    void restart();

    // Removes the runner folders under `base` that a RouteScope which is gone left behind (a crash, a
    // SIGKILL): ours are named routescope-runner-<pid>-XXXXXX and stale once that process is gone; older
    // ones without a pid are stale when nobody listens on their socket and they are a minute old.
    // Only folders this user owns are touched. Returns how many were removed.
    static int removeStaleFolders(const QString &base);

    State state() const { return m_state; }
    QString socketPath() const { return m_socketPath; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    int respawnDelayMs() const { return m_backoffMs; }

Q_SIGNALS:
    void stateChanged(RunnerProcess::State state, const QString &detail);
    void outputLine(const QString &stream, const QString &line);

private:
    void spawn();
    void onFinished(int code, QProcess::ExitStatus status);
    void onErrorOccurred(QProcess::ProcessError error);
    void pollReady();
    void readLines(QProcess::ProcessChannel channel);
    void setState(State s, const QString &detail);
    void scheduleRespawn(const QString &reason);

    std::shared_ptr<RunnerEndpoint> m_endpoint;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_socketPath;
    QProcess *m_process = nullptr;
    QTimer m_readyPoll;
    QTimer m_respawn;
    QElapsedTimer m_upSince;
    State m_state = State::Stopped;
    int m_backoffMs = 3000;
    bool m_stopping = false;
    QByteArray m_partial[2];
};
