#include "runnerserver.h"

#include "coarseclock.h"
#include "stream.h"

#include <QFile>

#include <cstdio>

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

    template<typename Message>
    void send(const Message &m)
    {
        QString error;
        if (const auto frame = Runner::encodeFrame(m, &error)) {
            m_socket->write(*frame); // leaves at the end of this batch of events
            return;
        }
        std::fprintf(stderr, "routescope-demo-runner: cannot answer: %s\n", qPrintable(error));
        sendErr(Runner::ErrCode::ServiceUnavailable);
    }

    void sendErr(Runner::ErrCode code)
    {
        send(Runner::ErrResp{quint8(code)});
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
            send(Runner::PrepareConfResp{m_server->store(DemoPlugins::prepare(req->conf))});
            return;
        }
        case Frame::HttpReqCall: {
            auto call = Runner::decodeHttpReqCallReq(frame.payload, &error);
            if (const auto conf = confFor(call)) {
                m_reqCall = std::move(*call);
                begin(Frame::HttpReqCall, conf, conf->requestNeeds);
            }
            return;
        }
        case Frame::HttpRespCall: {
            // The upstream's headers are copied out only for plugins that read them (those pay for a
            // second, verified decode; every other call saves copying headers nobody reads).
            auto call = Runner::decodeHttpRespCallReq(frame.payload, &error, Runner::Headers::Skip);
            if (const auto conf = confFor(call)) {
                if (conf->readsResponseHeaders)
                    call = Runner::decodeHttpRespCallReq(frame.payload, &error);
                m_respCall = std::move(*call);
                begin(Frame::HttpRespCall, conf, conf->responseNeeds);
            }
            return;
        }
        default:
            sendErr(Runner::ErrCode::BadRequest);
        }
    }

    // A call needs a well-formed message and a known token; otherwise the error is sent here.
    template<typename Call>
    std::shared_ptr<const DemoPlugins::Conf> confFor(const std::optional<Call> &call)
    {
        if (!call) {
            sendErr(Runner::ErrCode::BadRequest);
            return nullptr;
        }
        auto conf = m_server->conf(call->confToken);
        if (!conf)
            sendErr(Runner::ErrCode::ConfTokenNotFound);
        return conf;
    }

    // Then the ExtraInfo questions its plugins need, then the answer.
    void begin(quint8 type, std::shared_ptr<const DemoPlugins::Conf> conf, const QList<DemoPlugins::Need> &needs)
    {
        m_type = type;
        m_conf = std::move(conf);
        m_needs = needs;
        m_next = 0;
        if (!m_answers.isEmpty())
            m_answers.clear();
        askOrAnswer();
    }

    void askOrAnswer()
    {
        if (m_next < m_needs.size()) {
            m_waiting = true;
            send(m_needs[m_next].ask);
            return;
        }
        m_waiting = false;
        if (m_type == Frame::HttpReqCall)
            send(DemoPlugins::runRequest(*m_conf, m_reqCall, m_answers));
        else
            send(DemoPlugins::runResponse(*m_conf, m_respCall, m_answers));
    }

    Stream *m_socket;
    RunnerServer *m_server;
    FrameDecoder m_decoder;
    bool m_waiting = false;
    quint8 m_type = 0;
    std::shared_ptr<const DemoPlugins::Conf> m_conf;
    QList<DemoPlugins::Need> m_needs;
    qsizetype m_next = 0;
    DemoPlugins::Answers m_answers;
    Runner::HttpReqCallReq m_reqCall;
    Runner::HttpRespCallReq m_respCall;
};

RunnerServer::RunnerServer(int confExpireSeconds, QObject *parent)
    : QObject(parent), m_expireSeconds(confExpireSeconds)
{
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

std::shared_ptr<const DemoPlugins::Conf> RunnerServer::conf(quint32 token) const
{
    const auto it = m_confs.constFind(token);
    if (it == m_confs.constEnd() || it->expiresAtMs <= coarseNowMs())
        return nullptr;
    return it->conf;
}

quint32 RunnerServer::store(DemoPlugins::Conf conf)
{
    const qint64 now = coarseNowMs();
    m_confs.removeIf([now](const auto &it) { return it.value().expiresAtMs <= now; });
    m_confs.insert(++m_nextToken, {std::make_shared<const DemoPlugins::Conf>(std::move(conf)), now + qint64(m_expireSeconds) * 1000});
    return m_nextToken;
}
