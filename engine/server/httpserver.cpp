#include "httpserver.h"

#include "deadline.h"
#include "httpwriter.h"

#include <QTcpSocket>
#include <QTimer>

#include <unistd.h>

namespace {

class ServerConnection : public QObject
{
public:
    ServerConnection(qintptr descriptor, const HttpServer::Handler &handler, RequestParser::Limits limits,
                     const RequestParser::HeadCheck &headCheck, Acceptor::Ended ended, QObject *parent)
        : QObject(parent), m_socket(new QTcpSocket(this)), m_handler(handler), m_parser(limits),
          m_ended(std::move(ended)), m_idle(this, [this] { deleteLater(); })
    {
        m_parser.setHeadCheck(headCheck);
        if (!m_socket->setSocketDescriptor(descriptor)) {
            ::close(int(descriptor));
            deleteLater();
            return;
        }
        m_peer = m_socket->peerAddress();
        m_peerPort = m_socket->peerPort();
        connect(m_socket, &QTcpSocket::readyRead, this, [this] {
            m_idle.arm(HttpServer::kIdleMs);
            process();
        });
        connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
            m_idle.arm(HttpServer::kIdleMs);
            if (m_closing && m_socket->bytesToWrite() == 0)
                m_socket->disconnectFromHost();
        });
        m_idle.arm(HttpServer::kIdleMs);
    }
    ~ServerConnection() override { m_ended(); }

protected:
    void timerEvent(QTimerEvent *event) override
    {
        if (!m_idle.timerEvent(event))
            QObject::timerEvent(event);
    }

private:
    void process()
    {
        while (!m_waiting && !m_closing) {
            m_input += m_socket->readAll();
            if (m_input.isEmpty())
                return;
            qsizetype consumed = 0;
            const auto result = m_parser.feed(m_input, &consumed);
            m_input.remove(0, consumed);
            if (result == RequestParser::Result::NeedMore) {
                if (m_parser.takeContinue())
                    m_socket->write(HttpWriter::kContinue.data(), HttpWriter::kContinue.size());
                return;
            }
            if (result == RequestParser::Result::Error) {
                LocalReply reply;
                reply.status = m_parser.errorStatus();
                reply.headers.add("Content-Type", "application/json");
                reply.body = HttpWriter::errorBody(QString::fromUtf8(m_parser.errorText()));
                send(reply, false, true);
                return;
            }
            const HttpRequest request = m_parser.takeRequest();
            LocalReply reply = m_handler({request, m_peer, m_peerPort});
            const bool head = request.method == "HEAD";
            const bool close = !request.keepAlive || reply.closeAfter;
            if (reply.delayMs > 0) {
                m_waiting = true;
                QTimer::singleShot(reply.delayMs, this, [this, reply, head, close] {
                    m_waiting = false;
                    send(reply, head, close);
                    if (!m_closing)
                        process();
                });
                return;
            }
            send(reply, head, close);
        }
    }

    void send(const LocalReply &reply, bool head, bool close)
    {
        m_socket->write(serializeReply(reply, head, close));
        if (close) {
            m_closing = true;
            if (m_socket->bytesToWrite() == 0)
                m_socket->disconnectFromHost();
        }
    }

    QTcpSocket *m_socket;
    HttpServer::Handler m_handler;
    RequestParser m_parser;
    Acceptor::Ended m_ended;
    Deadline m_idle;
    QHostAddress m_peer;
    quint16 m_peerPort = 0;
    QByteArray m_input;
    bool m_waiting = false;
    bool m_closing = false;
};

} // namespace

QByteArray serializeReply(const LocalReply &reply, bool headRequest, bool close)
{
    if (!reply.raw.isNull())
        return reply.raw;
    QByteArray out;
    HttpWriter::statusLine(out, reply.status);
    HttpWriter::fields(out, reply.headers);
    const bool noBody = reply.status == 204 || reply.status == 304;
    if (reply.chunked)
        HttpWriter::field(out, "Transfer-Encoding", "chunked");
    else if (!noBody)
        HttpWriter::field(out, "Content-Length", reply.body.size());
    if (close)
        HttpWriter::field(out, "Connection", "close");
    HttpWriter::endHead(out);
    if (headRequest || noBody)
        return out;
    if (reply.chunked) {
        // Two chunks when there is enough body, so readers see real chunking.
        const qsizetype half = reply.body.size() / 2;
        for (const QByteArray &part : {reply.body.left(half), reply.body.mid(half)}) {
            if (!part.isEmpty())
                HttpWriter::chunk(out, part.constData(), part.size());
        }
        out.append(HttpWriter::kLastChunk);
    } else {
        out += reply.body;
    }
    return out;
}

HttpServer::HttpServer(Handler handler, RequestParser::Limits limits, QObject *parent)
    : Acceptor(parent), m_handler(std::move(handler)), m_limits(limits)
{
    setMaxConnections(1024);
}

void HttpServer::incomingConnection(qintptr descriptor, Ended ended)
{
    new ServerConnection(descriptor, m_handler, m_limits, m_headCheck, std::move(ended), this);
}
