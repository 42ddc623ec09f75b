#include "proxyconnection.h"

#include "configstore.h"
#include "proxyworker.h"
#include "socketwrite.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace {
constexpr qint64 kClientHighWater = 1024 * 1024;
constexpr qint64 kClientLowWater = 256 * 1024;
constexpr int kKeepAliveIdleMs = 60000;

bool isHopByHop(QByteArrayView name, const QByteArray &connectionTokens)
{
    static const char *const hop[] = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                                      "transfer-encoding", "upgrade"};
    for (const char *h : hop)
        if (headerNameIs(name, h))
            return true;
    return !connectionTokens.isEmpty() && headerHasToken(connectionTokens, name);
}

QByteArray addressText(const QHostAddress &a)
{
    return a.toString().toLatin1();
}
} // namespace

ProxyConnection::ProxyConnection(qintptr descriptor, ProxyWorker *worker)
    : QObject(worker), m_worker(worker), m_socket(new QTcpSocket(this)), m_parser(worker->limits()),
      m_call(worker->pool(), this, this)
{
    m_socket->setSocketDescriptor(descriptor);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->setReadBufferSize(1024 * 1024);
    m_peer = m_socket->peerAddress();
    bool isV4 = false;
    const quint32 v4 = m_peer.toIPv4Address(&isV4);
    if (isV4)
        m_peer = QHostAddress(v4);
    m_peerPort = m_socket->peerPort();
    m_localPort = m_socket->localPort();
    connect(m_socket, &QTcpSocket::readyRead, this, &ProxyConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        m_call.abort();
        deleteLater();
    });
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_call.isActive() && m_socket->bytesToWrite() < kClientLowWater)
            m_call.resumeReading();
        if (m_closing && m_socket->bytesToWrite() == 0)
            m_socket->disconnectFromHost();
    });
    // Checked lazily against the last activity, so requests cost no timer operations.
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        const qint64 idle = m_clock.elapsed() - m_lastActivityMs;
        if (m_busy || idle < kKeepAliveIdleMs) {
            m_idleTimer.start(int(kKeepAliveIdleMs - (m_busy ? 0 : idle)));
            return;
        }
        m_socket->abort();
        deleteLater();
    });
    m_clock.start();
    m_idleTimer.start(kKeepAliveIdleMs);
    if (m_socket->bytesAvailable())
        onReadyRead();
}

ProxyConnection::~ProxyConnection() = default;

bool ProxyConnection::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

void ProxyConnection::onReadyRead()
{
    if (m_busy || m_closing)
        return; // the rest waits in the socket buffer until this exchange ends
    m_input += m_socket->readAll();
    processInput();
}

void ProxyConnection::processInput()
{
    if (m_processing)
        return;
    m_processing = true;
    while (!m_busy && !m_closing && !m_input.isEmpty()) {
        qsizetype consumed = 0;
        const auto result = m_parser.feed(m_input, &consumed);
        m_input.remove(0, consumed);
        if (result == RequestParser::Result::Error) {
            m_input.clear();
            respondLocal(m_parser.errorStatus(), m_parser.errorText(), true);
            break;
        }
        if (result == RequestParser::Result::NeedMore)
            break;
        handleRequest(m_parser.takeRequest());
        if (!m_busy && !m_closing && m_input.isEmpty() && m_socket->bytesAvailable())
            m_input += m_socket->readAll();
    }
    m_processing = false;
}

void ProxyConnection::handleRequest(HttpRequest request)
{
    m_busy = true;
    m_keepAlive = request.keepAlive;
    m_clientIsHttp10 = request.versionMajor == 1 && request.versionMinor == 0;
    const auto snapshot = m_worker->store()->snapshot();
    const QByteArray host = request.host();
    const CompiledRoute *route = snapshot->router.match({request.method, request.path, host, m_peer});
    if (!route) {
        respondLocal(404, "404 Route Not Found", false);
        return;
    }
    if (!route->upstream) {
        respondLocal(503, "missing upstream configuration in Route or Service", false);
        return;
    }
    const auto &spec = route->upstream;
    m_framing = Framing::None;
    UpstreamCall::Request call;
    call.head = upstreamHead(request);
    call.hashValue = hashValue(request, *spec);
    call.clientHost = request.headers.value("host");
    call.method = std::move(request.method);
    call.body = std::move(request.body);
    m_call.start(spec, m_worker->balancerFor(*spec), std::move(call));
}

QByteArray ProxyConnection::upstreamHead(const HttpRequest &r) const
{
    QByteArray out;
    out.reserve(512);
    out += r.method + ' ' + r.target + " HTTP/1.1\r\n";
    const QByteArray connectionTokens = r.headers.value("connection");
    QByteArray forwardedFor;
    for (const auto &[name, value] : r.headers.fields()) {
        if (isHopByHop(name, connectionTokens) || headerNameIs(name, "host") || headerNameIs(name, "content-length")
            || headerNameIs(name, "x-real-ip") || headerNameIs(name, "x-forwarded-proto")
            || headerNameIs(name, "x-forwarded-host") || headerNameIs(name, "x-forwarded-port"))
            continue;
        if (headerNameIs(name, "x-forwarded-for")) {
            forwardedFor += (forwardedFor.isEmpty() ? "" : ", ") + value;
            continue;
        }
        out += name + ": " + value + "\r\n";
    }
    const QByteArray peer = addressText(m_peer);
    out += "X-Real-IP: " + peer + "\r\n";
    out += "X-Forwarded-For: " + (forwardedFor.isEmpty() ? peer : forwardedFor + ", " + peer) + "\r\n";
    out += "X-Forwarded-Proto: http\r\n";
    if (const QByteArray h = r.host(); !h.isEmpty())
        out += "X-Forwarded-Host: " + h + "\r\n";
    out += "X-Forwarded-Port: " + QByteArray::number(m_localPort) + "\r\n";
    if (!r.body.isEmpty() || r.chunked || r.headers.contains("content-length"))
        out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
    return out;
}

QByteArray ProxyConnection::hashValue(const HttpRequest &r, const UpstreamSpec &spec) const
{
    if (spec.type != UpstreamSpec::Type::CHash)
        return {};
    const QByteArray key = spec.hashKey.toUtf8();
    if (spec.hashOn == QLatin1String("header"))
        return r.headers.value(key);
    if (spec.hashOn == QLatin1String("cookie")) {
        for (const QByteArray &cookie : r.headers.value("cookie").split(';')) {
            const QByteArray c = cookie.trimmed();
            if (c.startsWith(QByteArray(key + '=')))
                return c.mid(key.size() + 1);
        }
        return {};
    }
    if (key == "uri")
        return r.path;
    if (key == "request_uri")
        return r.target;
    if (key == "host")
        return r.host();
    if (key.startsWith("http_"))
        return r.headers.value(key.mid(5).replace('_', '-'));
    if (key.startsWith("arg_")) {
        for (const QByteArray &pair : r.query.split('&'))
            if (pair.startsWith(QByteArray(key.mid(4) + '=')))
                return pair.mid(key.size() - 3);
        return {};
    }
    return addressText(m_peer); // remote_addr, the default
}

void ProxyConnection::upstreamHead(HttpResponseHead &&head, ResponseParser::BodyFraming framing, qint64 contentLength)
{
    QByteArray out;
    out.reserve(512);
    out += "HTTP/1.1 " + QByteArray::number(head.status) + ' ' + head.reason + "\r\n";
    const QByteArray connectionTokens = head.headers.value("connection");
    for (const auto &[name, value] : head.headers.fields()) {
        if (isHopByHop(name, connectionTokens) || headerNameIs(name, "content-length"))
            continue;
        out += name + ": " + value + "\r\n";
    }
    switch (framing) {
    case ResponseParser::BodyFraming::None:
        m_framing = Framing::None;
        if (contentLength >= 0) // HEAD and 304 answers keep the length they announce
            out += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
        break;
    case ResponseParser::BodyFraming::Length:
        m_framing = Framing::Length;
        out += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
        break;
    case ResponseParser::BodyFraming::Chunked:
    case ResponseParser::BodyFraming::UntilClose:
        if (m_clientIsHttp10) {
            m_framing = Framing::Close;
            m_keepAlive = false;
        } else {
            m_framing = Framing::Chunked;
            out += "Transfer-Encoding: chunked\r\n";
        }
        break;
    }
    if (!m_keepAlive)
        out += "Connection: close\r\n";
    else if (m_clientIsHttp10)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    writeNow(m_socket, out);
}

void ProxyConnection::upstreamBody(const char *data, qsizetype size)
{
    if (size == 0)
        return;
    if (m_framing == Framing::Chunked) {
        QByteArray chunk = QByteArray::number(qulonglong(size), 16) + "\r\n";
        chunk.append(data, size);
        chunk += "\r\n";
        writeNow(m_socket, chunk);
    } else {
        writeNow(m_socket, data, size);
    }
}

bool ProxyConnection::upstreamCanTakeBody() const
{
    return m_socket->bytesToWrite() < kClientHighWater;
}

void ProxyConnection::upstreamDone()
{
    if (m_framing == Framing::Chunked) {
        writeNow(m_socket, "0\r\n\r\n", 5);
    }
    if (m_framing == Framing::Close)
        m_keepAlive = false;
    endExchange();
}

void ProxyConnection::upstreamFailed(int status, const QString &why, bool headSent)
{
    qInfo("proxy: upstream failed with %d: %s", status, qPrintable(why));
    if (headSent) { // the client already has part of the answer: all we can do is cut it short
        m_socket->abort();
        deleteLater();
        return;
    }
    respondLocal(status, reasonPhrase(status).prepend(QByteArray::number(status) + ' ') + ": " + why.toUtf8(), false);
}

void ProxyConnection::respondLocal(int status, const QByteArray &errorMessage, bool close)
{
    if (close)
        m_keepAlive = false;
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("error_msg"), QString::fromUtf8(errorMessage)}})
                                .toJson(QJsonDocument::Compact) + '\n';
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n"
        "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!m_keepAlive)
        out += "Connection: close\r\n";
    out += "\r\n" + body;
    writeNow(m_socket, out);
    m_busy = true;
    endExchange();
}

void ProxyConnection::endExchange()
{
    m_busy = false;
    m_lastActivityMs = m_clock.elapsed();
    if (!m_keepAlive) {
        closeAfterFlush();
        return;
    }
    if (!m_processing && (!m_input.isEmpty() || m_socket->bytesAvailable())) {
        m_input += m_socket->readAll();
        processInput();
    }
}

void ProxyConnection::closeAfterFlush()
{
    m_closing = true;
    if (m_socket->bytesToWrite() == 0)
        m_socket->disconnectFromHost();
}
