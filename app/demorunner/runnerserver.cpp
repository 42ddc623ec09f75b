#include "runnerserver.h"

#include "stream.h"

#include <QFile>

class RunnerServer::Session : public QObject, private Stream::Handler
{
public:
    Session(qintptr descriptor, RunnerServer *server)
        : QObject(server), m_socket(new Stream(this)), m_server(server)
    {
        m_socket->setReadLimit(32 * 1024 * 1024); // whole frames (up to 16 MiB) are taken at once
        if (!m_socket->adopt(descriptor)) {
            deleteLater();
            return;
        }
        m_socket->setBatchedWrites(true); // the gateway wakes once for the replies of a whole batch
        m_socket->setHandler(this);
    }

private:
    void streamReadable(Stream *s) override
    {
        m_decoder.feed(s->input());
        s->consume(s->input().size());
        while (auto frame = m_decoder.next())
            handle(*frame);
    }

    void streamClosed(Stream *s) override
    {
        s->abort();
        deleteLater();
    }

    void send(quint8 type, const QByteArray &payload)
    {
        if (const auto frame = Frame::encode(type, payload))
            m_socket->write(*frame); // sent now; only what the kernel refuses waits
    }

    void sendErr(Runner::ErrCode code)
    {
        send(Frame::RpcError, Runner::encode(Runner::ErrResp{quint8(code)}));
    }

    void handle(const DecodedFrame &frame)
    {
        QString error;
        if (m_waiting) {
            if (frame.type != Frame::ExtraInfo) {
                m_waiting = false;
                sendErr(Runner::ErrCode::BadRequest);
                return;
            }
            const auto answer = Runner::decodeExtraInfoResp(frame.payload, &error);
            m_answers.insert(DemoPlugins::answerKey(m_needs[m_next].ask), answer ? answer->result : std::nullopt);
            ++m_next;
            askOrAnswer();
            return;
        }
        switch (frame.type) {
        case Frame::PrepareConf: {
            const auto req = Runner::decodePrepareConfReq(frame.payload, &error);
            if (!req) {
                sendErr(Runner::ErrCode::BadRequest);
                return;
            }
            send(Frame::PrepareConf, Runner::encode(Runner::PrepareConfResp{m_server->store(req->conf)}));
            return;
        }
        case Frame::HttpReqCall:
            startCall(Runner::decodeHttpReqCallReq(frame.payload, &error), Frame::HttpReqCall, &DemoPlugins::needsForRequest, &m_reqCall);
            return;
        case Frame::HttpRespCall:
            startCall(Runner::decodeHttpRespCallReq(frame.payload, &error), Frame::HttpRespCall, &DemoPlugins::needsForResponse, &m_respCall);
            return;
        default:
            sendErr(Runner::ErrCode::BadRequest);
        }
    }

    // A call: known token, then the ExtraInfo questions its plugins need, then the answer.
    template<typename Call>
    void startCall(const std::optional<Call> &call, quint8 type, QList<DemoPlugins::Need> (*needs)(const TextPairs &), Call *keep)
    {
        if (!call) {
            sendErr(Runner::ErrCode::BadRequest);
            return;
        }
        const auto conf = m_server->conf(call->confToken);
        if (!conf) {
            sendErr(Runner::ErrCode::ConfTokenNotFound);
            return;
        }
        begin(type, *conf, needs(*conf));
        *keep = *call;
        askOrAnswer();
    }

    void begin(quint8 type, const TextPairs &conf, QList<DemoPlugins::Need> needs)
    {
        m_type = type;
        m_conf = conf;
        m_needs = std::move(needs);
        m_next = 0;
        m_answers.clear();
    }

    void askOrAnswer()
    {
        if (m_next < m_needs.size()) {
            m_waiting = true;
            send(Frame::ExtraInfo, Runner::encode(m_needs[m_next].ask));
            return;
        }
        m_waiting = false;
        if (m_type == Frame::HttpReqCall)
            send(Frame::HttpReqCall, Runner::encode(DemoPlugins::runRequest(m_conf, m_reqCall, m_answers)));
        else
            send(Frame::HttpRespCall, Runner::encode(DemoPlugins::runResponse(m_conf, m_respCall, m_answers)));
    }

    Stream *m_socket;
    RunnerServer *m_server;
    FrameDecoder m_decoder;
    bool m_waiting = false;
    quint8 m_type = 0;
    TextPairs m_conf;
    QList<DemoPlugins::Need> m_needs;
    qsizetype m_next = 0;
    DemoPlugins::Answers m_answers;
    Runner::HttpReqCallReq m_reqCall;
    Runner::HttpRespCallReq m_respCall;
};

RunnerServer::RunnerServer(int confExpireSeconds, QObject *parent)
    : QObject(parent), m_expireSeconds(confExpireSeconds)
{
    m_clock.start();
}

void RunnerServer::Listener::incomingConnection(quintptr descriptor)
{
    new Session(qintptr(descriptor), m_server);
}

QString RunnerServer::listen(const QString &path)
{
    QLocalServer::removeServer(path); // a stale socket left by a runner that died
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    m_server.setListenBacklogSize(1024); // a gateway under load opens many connections at once
    if (!m_server.listen(path))
        return QStringLiteral("cannot listen on %1: %2").arg(path, m_server.errorString());
    m_path = path;
    return {};
}

void RunnerServer::close()
{
    m_server.close();
    if (!m_path.isEmpty())
        QFile::remove(m_path);
}

std::optional<TextPairs> RunnerServer::conf(quint32 token) const
{
    const auto it = m_confs.constFind(token);
    if (it == m_confs.constEnd() || it->expiresAtMs <= m_clock.elapsed())
        return std::nullopt;
    return it->entries;
}

quint32 RunnerServer::store(const TextPairs &entries)
{
    const qint64 now = m_clock.elapsed();
    m_confs.removeIf([now](const auto &it) { return it.value().expiresAtMs <= now; });
    m_confs.insert(++m_nextToken, {entries, now + qint64(m_expireSeconds) * 1000});
    return m_nextToken;
}
