#pragma once

#include "deadline.h"
#include "runnerclient.h"
#include "runnerframe.h"
#include "runnermessages.h"

#include <QElapsedTimer>
#include <QObject>

#include <functional>

// The gateway's answer to one ExtraInfo question: the value (nullopt: absent), or `later` when it is not
// there yet (the upstream body still being read): PluginCall::answerExtraInfo() gives it then.
struct ExtraInfoAnswer
{
    std::optional<QByteArray> value;
    bool later = false;
};

// What one ext-plugin phase asks of the runner.
struct PluginCallSpec
{
    QString plugin;        // "ext-plugin-pre-req", "ext-plugin-post-req" or "ext-plugin-post-resp"
    QByteArray tokenKey;   // "route#<id>#<plugin>#<version>"
    TextPairs conf;        // in the order the user wrote it
    quint8 callType = 0;   // Frame::HttpReqCall or Frame::HttpRespCall
    // The call's whole frame (Runner::encodeFrame), or nullopt and why in `error`.
    std::function<std::optional<QByteArray>(quint32 token, QString *error)> buildCall;
    std::function<ExtraInfoAnswer(const Runner::ExtraInfoReq &)> extraInfo;
};

struct PluginCallOutcome
{
    bool ok = false;
    QByteArray reply;      // payload of the call's reply frame
    QString error;         // why it failed, in words for the inspector
};

// Runs one phase against the runner: conf token (cached, prepared once per key, retried on
// CONF_TOKEN_NOT_FOUND up to 3 attempts in all), the call, ExtraInfo questions in between, with a
// timeout on every wait. Every frame is recorded. Reports exactly once, unless aborted.
class PluginCall : public QObject, private RunnerLink::Holder
{
    Q_OBJECT
public:
    using Done = std::function<void(PluginCallOutcome)>;

    explicit PluginCall(RunnerClient *client, QObject *parent = nullptr);
    ~PluginCall() override;

    void start(PluginCallSpec spec, QList<RunnerFrameRecord> *log, const QElapsedTimer *clock, Done done);
    void abort();
    // The answer to the ExtraInfo question that was answered `later`.
    void answerExtraInfo(const std::optional<QByteArray> &value);
    bool awaitsExtraInfo() const { return m_awaitingAnswer; }

protected:
    void timerEvent(QTimerEvent *event) override
    {
        if (!m_deadline.timerEvent(event))
            QObject::timerEvent(event);
    }

private:
    enum class Step { Idle, Connecting, WaitingForToken, Preparing, Calling };

    void proceed();
    void sendPrepare();
    void sendCall(quint32 token);
    bool send(const std::optional<QByteArray> &frame, const QString &error);
    bool send(const std::optional<Runner::FrameParts> &frame, const QString &error);
    void onErr(const QByteArray &payload);
    void succeed(QByteArray reply);
    void fail(const QString &why, bool connectionUsable);
    void onTimer();
    // Keeps the payload that starts at `payloadAt` in `bytes` (a whole frame or a bare payload).
    void record(bool fromRunner, quint8 type, const QByteArray &bytes, qsizetype payloadAt, const QByteArray &tail = {});

    void runnerConnected(RunnerLink *c) override;
    void runnerFrame(RunnerLink *c, DecodedFrame frame) override;
    void runnerLost(RunnerLink *c, const QString &why) override;

    RunnerClient *m_client;
    PluginCallSpec m_spec;
    QList<RunnerFrameRecord> *m_log = nullptr;
    const QElapsedTimer *m_clock = nullptr;
    Done m_done;
    RunnerLink *m_conn = nullptr;
    Step m_step = Step::Idle;
    int m_attempts = 0;
    bool m_preparer = false;
    bool m_awaitingAnswer = false; // an ExtraInfo question the caller answers later
    Deadline m_deadline{this, [this] { onTimer(); }};
};
