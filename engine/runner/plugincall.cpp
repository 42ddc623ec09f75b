#include "plugincall.h"

#include <QPointer>

PluginCall::PluginCall(RunnerClient *client, QObject *parent)
    : QObject(parent), m_client(client)
{
}

void PluginCall::onTimer()
{
    if (m_step == Step::Idle)
        return;
    if (m_step == Step::Connecting)
        m_client->unreachable(QStringLiteral("cannot connect to the runner within %1 s").arg(m_client->settings().connectTimeoutMs / 1000.0));
    fail(m_step == Step::Connecting
             ? QStringLiteral("cannot connect to the runner within %1 s").arg(m_client->settings().connectTimeoutMs / 1000.0)
             : QStringLiteral("the runner did not answer within %1 s").arg(m_client->settings().timeoutMs / 1000.0),
         false);
}

PluginCall::~PluginCall()
{
    abort();
}

void PluginCall::start(PluginCallSpec spec, QList<RunnerFrameRecord> *log, const QElapsedTimer *clock, Done done)
{
    m_spec = std::move(spec);
    m_log = log;
    m_clock = clock;
    m_done = std::move(done);
    m_attempts = 1;
    if (!m_client->isConfigured()) {
        fail(QStringLiteral("no Plugin Runner is configured (set runner.cmd in the workspace, or --runner-cmd)"), false);
        return;
    }
    bool reused = false;
    m_conn = m_client->takeConnection(&reused);
    m_conn->setHolder(this);
    if (reused) {
        proceed();
        return;
    }
    if (const QString down = m_client->knownDown(); !down.isEmpty()) {
        fail(down, false);
        return;
    }
    m_step = Step::Connecting;
    m_deadline.arm(m_client->settings().connectTimeoutMs + 500); // the link gives up at the connect timeout itself
    m_client->openConnection(m_conn);
}

void PluginCall::runnerConnected(RunnerLink *c)
{
    m_client->connected(c);
    proceed();
}

void PluginCall::proceed()
{
    if (const auto token = m_client->token(m_spec.tokenKey)) {
        sendCall(*token);
        return;
    }
    if (m_client->isPreparing(m_spec.tokenKey)) {
        m_step = Step::WaitingForToken;
        m_deadline.arm(m_client->settings().timeoutMs);
        QPointer<PluginCall> self(this);
        m_client->waitForToken(m_spec.tokenKey, [self](std::optional<quint32> token, const QString &error) {
            if (!self || self->m_step != Step::WaitingForToken)
                return;
            if (token)
                self->sendCall(*token);
            else
                self->fail(error, true);
        });
        return;
    }
    sendPrepare();
}

void PluginCall::sendPrepare()
{
    m_client->beginPreparing(m_spec.tokenKey);
    m_preparer = true;
    m_step = Step::Preparing;
    QString error;
    const auto frame = Runner::encodeFrame(Runner::PrepareConfReq{m_spec.conf, m_spec.tokenKey}, &error);
    send(frame, error);
}

void PluginCall::sendCall(quint32 token)
{
    m_step = Step::Calling;
    QString error;
    const auto frame = m_spec.buildCall(token, &error);
    send(frame, error);
}

bool PluginCall::send(const std::optional<QByteArray> &frame, const QString &encodeError)
{
    return send(frame ? std::optional<Runner::FrameParts>(Runner::FrameParts{*frame, {}}) : std::nullopt, encodeError);
}

bool PluginCall::send(const std::optional<Runner::FrameParts> &frame, const QString &encodeError)
{
    if (!frame) {
        fail(encodeError, false);
        return false;
    }
    record(false, quint8(frame->head.at(0)), frame->head, Frame::kHeaderSize, frame->tail);
    QString error;
    if (!m_conn->send(frame->head, frame->tail, &error)) {
        fail(error, false);
        return false;
    }
    m_deadline.arm(m_client->settings().timeoutMs);
    return true;
}

void PluginCall::record(bool fromRunner, quint8 type, const QByteArray &bytes, qsizetype payloadAt, const QByteArray &tail)
{
    if (!m_log)
        return;
    RunnerFrameRecord r;
    r.atNs = m_clock ? m_clock->nsecsElapsed() : 0;
    r.plugin = m_spec.plugin;
    r.fromRunner = fromRunner;
    r.type = type;
    r.size = bytes.size() - payloadAt + tail.size();
    const qsizetype kept = qMin(r.size, RunnerFrameRecord::kPayloadCap);
    if (payloadAt == 0 && kept == r.size && tail.isEmpty()) {
        r.payload = bytes; // shared when whole
    } else {
        r.payload = bytes.sliced(payloadAt, qMin(kept, bytes.size() - payloadAt));
        r.payload += tail.first(kept - r.payload.size()); // only the kept part of a body sent apart
    }
    m_log->append(std::move(r));
}

void PluginCall::runnerFrame(RunnerLink *, DecodedFrame frame)
{
    record(true, frame.type, frame.payload, 0);
    QString error;
    if (frame.type == Frame::RpcError && (m_step == Step::Preparing || m_step == Step::Calling)) {
        onErr(frame.payload);
        return;
    }
    if (m_step == Step::Preparing && frame.type == Frame::PrepareConf) {
        const auto resp = Runner::decodePrepareConfResp(frame.payload, &error);
        if (!resp) {
            fail(error, false);
            return;
        }
        m_client->storeToken(m_spec.tokenKey, resp->confToken, m_conn->generation());
        m_preparer = false;
        m_client->endPreparing(m_spec.tokenKey, resp->confToken, {});
        sendCall(resp->confToken);
        return;
    }
    if (m_step == Step::Calling && frame.type == Frame::ExtraInfo) {
        const auto ask = Runner::decodeExtraInfoReq(frame.payload, &error);
        if (!ask) {
            fail(error, false);
            return;
        }
        ExtraInfoAnswer answer;
        if (m_spec.extraInfo)
            answer = m_spec.extraInfo(*ask);
        if (answer.later) {
            m_awaitingAnswer = true; // the call's timeout runs on meanwhile
            return;
        }
        answerExtraInfo(answer.value);
        return;
    }
    if (m_step == Step::Calling && frame.type == m_spec.callType) {
        succeed(std::move(frame.payload)); // given up: a large body in it becomes the answer's, not a copy
        return;
    }
    fail(QStringLiteral("protocol error: unexpected %1 from the runner while %2").arg(Frame::typeName(frame.type),
         m_step == Step::Preparing ? QStringLiteral("waiting for PrepareConf's reply") : QStringLiteral("waiting for the call's reply")), false);
}

void PluginCall::answerExtraInfo(const std::optional<QByteArray> &value)
{
    m_awaitingAnswer = false;
    if (m_step != Step::Calling)
        return;
    QString error;
    const auto reply = Runner::encodeFrameParts(Runner::ExtraInfoResp{value}, &error); // a body by reference
    send(reply, error);
}

void PluginCall::onErr(const QByteArray &payload)
{
    QString error;
    const auto err = Runner::decodeErrResp(payload, &error);
    if (!err) {
        fail(error, false);
        return;
    }
    const QString text = QStringLiteral("the runner answered RPC_ERROR %1").arg(Runner::errCodeName(err->code));
    if (m_preparer) {
        m_preparer = false;
        m_client->endPreparing(m_spec.tokenKey, std::nullopt, text);
    }
    if (err->code == quint8(Runner::ErrCode::ConfTokenNotFound) && m_attempts < 3) {
        ++m_attempts;
        m_client->flushTokens();
        proceed();
        return;
    }
    fail(m_attempts > 1 ? text + QStringLiteral(" (after %1 attempts)").arg(m_attempts) : text, true);
}

void PluginCall::succeed(QByteArray reply)
{
    m_step = Step::Idle;
    m_awaitingAnswer = false;
    RunnerLink *c = m_conn;
    m_conn = nullptr;
    m_client->giveBack(c);
    Done done = std::move(m_done);
    if (done)
        done({true, std::move(reply), {}});
}

void PluginCall::fail(const QString &why, bool connectionUsable)
{
    m_awaitingAnswer = false;
    if (m_preparer) {
        m_preparer = false;
        m_client->endPreparing(m_spec.tokenKey, std::nullopt, why);
    }
    m_step = Step::Idle;
    if (RunnerLink *c = m_conn) {
        m_conn = nullptr;
        if (connectionUsable)
            m_client->giveBack(c);
        else
            c->discard(); // a connection that saw any protocol error is never reused
    }
    Done done = std::move(m_done);
    if (done)
        done({false, {}, why});
}

void PluginCall::runnerLost(RunnerLink *, const QString &why)
{
    if (m_step == Step::Connecting)
        m_client->unreachable(why);
    fail(why, false);
}

void PluginCall::abort()
{
    m_done = nullptr;
    if (m_step != Step::Idle)
        fail(QStringLiteral("aborted"), false);
}
