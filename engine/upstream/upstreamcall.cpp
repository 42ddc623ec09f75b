#include "upstreamcall.h"

#include "balancer.h"

#include <QSslSocket>
#include <QTcpSocket>

UpstreamCall::UpstreamCall(std::shared_ptr<const UpstreamSpec> spec, Balancer *balancer, ConnectionPool *pool,
                           UpstreamSink *sink, QObject *parent)
    : QObject(parent), m_spec(std::move(spec)), m_balancer(balancer), m_pool(pool), m_sink(sink)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &UpstreamCall::onTimeout);
    m_parser.onHead = [this](HttpResponseHead &&head) {
        m_headSent = true;
        m_sink->upstreamHead(std::move(head), m_parser.framing(), m_parser.contentLength());
    };
    m_parser.onBody = [this](const char *data, qsizetype size) { m_sink->upstreamBody(data, size); };
}

UpstreamCall::~UpstreamCall()
{
    releaseSocket(false);
}

void UpstreamCall::start(QByteArray method, QByteArray head, QByteArray clientHost, QByteArray body, QByteArray hashValue)
{
    m_method = std::move(method);
    m_head = std::move(head);
    m_clientHost = std::move(clientHost);
    m_body = std::move(body);
    m_hashValue = std::move(hashValue);
    m_clock.start();
    tryNextNode();
}

QString UpstreamCall::nodeAddress() const
{
    if (m_node < 0)
        return {};
    const UpstreamNode &n = m_spec->nodes[m_node];
    return QString::fromUtf8(n.host) + QLatin1Char(':') + QString::number(n.port);
}

void UpstreamCall::tryNextNode()
{
    if (!m_tried.isEmpty() && m_tried.size() > m_spec->effectiveRetries()) {
        fail(502, QStringLiteral("no upstream node could be reached (%1 tried)").arg(m_tried.size()));
        return;
    }
    m_node = m_balancer->pick(m_hashValue, m_tried);
    if (m_node < 0) {
        fail(502, m_tried.isEmpty() ? QStringLiteral("upstream has no node with a weight above 0")
                                    : QStringLiteral("no other upstream node left to retry"));
        return;
    }
    m_tried.append(m_node);
    const UpstreamNode &node = m_spec->nodes[m_node];
    switch (m_spec->passHost) {
    case UpstreamSpec::PassHost::Pass: m_hostHeader = m_clientHost; break;
    case UpstreamSpec::PassHost::Rewrite: m_hostHeader = m_spec->upstreamHost; break;
    case UpstreamSpec::PassHost::Node:
        m_hostHeader = node.host;
        if (node.port != (m_spec->https ? 443 : 80))
            m_hostHeader += ':' + QByteArray::number(node.port);
        break;
    }
    const QByteArray key = (m_spec->https ? QByteArray("tls:") : QByteArray()) + node.host + ':' + QByteArray::number(node.port);
    m_conn = m_pool->take(key);
    if (m_conn.socket) {
        useSocket(true);
        return;
    }
    m_conn.key = key;
    if (m_spec->https) {
        auto *ssl = new QSslSocket(this);
        ssl->setPeerVerifyMode(QSslSocket::VerifyNone); // APISIX does not verify upstream certificates by default
        m_conn.socket = ssl;
    } else {
        m_conn.socket = new QTcpSocket(this);
    }
    useSocket(false);
}

void UpstreamCall::useSocket(bool reused)
{
    m_reused = reused;
    m_anyByte = false;
    QTcpSocket *s = m_conn.socket;
    s->setParent(this);
    s->setReadBufferSize(256 * 1024);
    connect(s, &QTcpSocket::readyRead, this, &UpstreamCall::onReadyRead);
    connect(s, &QTcpSocket::disconnected, this, &UpstreamCall::onDisconnected);
    connect(s, &QAbstractSocket::errorOccurred, this, &UpstreamCall::onError);
    connect(s, &QTcpSocket::bytesWritten, this, [this] {
        if (m_phase == Phase::Sending && m_conn.socket->bytesToWrite() == 0) {
            m_phase = Phase::Reading;
            m_timer.start(m_spec->readTimeoutMs);
        }
    });
    if (reused) {
        onConnected();
        return;
    }
    m_phase = Phase::Connecting;
    m_timer.start(m_spec->connectTimeoutMs);
    const UpstreamNode &node = m_spec->nodes[m_node];
    if (auto *ssl = qobject_cast<QSslSocket *>(s)) {
        connect(ssl, &QSslSocket::encrypted, this, &UpstreamCall::onConnected);
        ssl->connectToHostEncrypted(QString::fromUtf8(node.host), node.port,
                                    QString::fromUtf8(m_hostHeader.isEmpty() ? node.host : m_hostHeader));
    } else {
        connect(s, &QTcpSocket::connected, this, &UpstreamCall::onConnected);
        s->connectToHost(QString::fromUtf8(node.host), node.port);
    }
}

void UpstreamCall::onConnected()
{
    if (!m_reused)
        m_timings.connectNs = m_clock.nsecsElapsed();
    m_conn.socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_parser.reset(m_method == "HEAD");
    QByteArray out;
    out.reserve(m_head.size() + m_hostHeader.size() + 16 + m_body.size());
    out += m_head;
    if (!m_hostHeader.isEmpty())
        out += "Host: " + m_hostHeader + "\r\n";
    out += "\r\n";
    out += m_body;
    m_phase = Phase::Sending;
    m_timer.start(m_spec->sendTimeoutMs);
    m_conn.uses++;
    m_conn.socket->write(out);
}

void UpstreamCall::onReadyRead()
{
    if (m_finished || !m_conn.socket)
        return;
    if (m_phase == Phase::Sending) { // the answer can come before all is written (e.g. an early 413)
        m_phase = Phase::Reading;
    }
    while (m_conn.socket && m_conn.socket->bytesAvailable() > 0) {
        if (!m_sink->upstreamCanTakeBody() && m_headSent)
            return; // resumeReading() comes back here
        const QByteArray data = m_conn.socket->read(64 * 1024);
        if (!m_anyByte) {
            m_anyByte = true;
            m_timings.firstByteNs = m_clock.nsecsElapsed();
        }
        m_timer.start(m_spec->readTimeoutMs);
        qsizetype consumed = 0;
        const auto result = m_parser.feed(data, &consumed);
        if (m_finished)
            return;
        if (result == ResponseParser::Result::Error) {
            fail(502, QString::fromUtf8(m_parser.errorText()));
            return;
        }
        if (result == ResponseParser::Result::Complete) {
            const bool reusable = m_parser.keepAlive() && consumed == data.size() && m_conn.socket->bytesAvailable() == 0;
            releaseSocket(reusable);
            finish();
            return;
        }
    }
}

void UpstreamCall::resumeReading()
{
    if (m_conn.socket && m_conn.socket->bytesAvailable() > 0)
        onReadyRead();
    else if (m_conn.socket && m_conn.socket->state() != QAbstractSocket::ConnectedState)
        onDisconnected();
}

void UpstreamCall::onDisconnected()
{
    if (m_finished || !m_conn.socket)
        return;
    if (m_conn.socket->bytesAvailable() > 0) {
        onReadyRead();
        if (m_finished || !m_conn.socket || m_conn.socket->bytesAvailable() > 0)
            return;
    }
    if (m_reused && !m_anyByte) {
        // The upstream closed an idle keep-alive connection as we reused it: connect afresh, same node.
        releaseSocket(false);
        m_tried.removeLast();
        m_reused = false;
        const UpstreamNode &node = m_spec->nodes[m_node];
        m_conn = UpstreamSocket{nullptr, (m_spec->https ? QByteArray("tls:") : QByteArray()) + node.host + ':' + QByteArray::number(node.port)};
        m_tried.append(m_node);
        m_conn.socket = m_spec->https ? new QSslSocket(this) : new QTcpSocket(this);
        useSocket(false);
        return;
    }
    if (m_phase == Phase::Connecting) {
        onError();
        return;
    }
    if (m_parser.finish() == ResponseParser::Result::Complete) {
        releaseSocket(false);
        finish();
        return;
    }
    fail(502, QString::fromUtf8(m_parser.errorText()));
}

void UpstreamCall::onError()
{
    if (m_finished || !m_conn.socket)
        return;
    if (m_phase == Phase::Connecting) {
        const QString why = m_conn.socket->errorString();
        releaseSocket(false);
        qInfo("upstream %s: %s", qPrintable(nodeAddress()), qPrintable(why));
        tryNextNode();
        return;
    }
    if (m_conn.socket->error() == QAbstractSocket::RemoteHostClosedError)
        return; // disconnected() decides whether the body was complete
    onDisconnected();
}

void UpstreamCall::onTimeout()
{
    if (m_finished)
        return;
    switch (m_phase) {
    case Phase::Connecting:
        releaseSocket(false);
        if (m_tried.size() <= m_spec->effectiveRetries()) {
            tryNextNode();
            return;
        }
        fail(504, QStringLiteral("timed out connecting to upstream %1").arg(nodeAddress()));
        return;
    case Phase::Sending:
        fail(504, QStringLiteral("timed out sending the request to upstream %1").arg(nodeAddress()));
        return;
    case Phase::Reading:
    case Phase::Idle:
        fail(504, QStringLiteral("timed out reading the response from upstream %1").arg(nodeAddress()));
        return;
    }
}

void UpstreamCall::fail(int status, const QString &why)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    releaseSocket(false);
    m_timings.totalNs = m_clock.nsecsElapsed();
    m_sink->upstreamFailed(status, why, m_headSent);
}

void UpstreamCall::finish()
{
    m_finished = true;
    m_timer.stop();
    m_timings.totalNs = m_clock.nsecsElapsed();
    m_sink->upstreamDone();
}

void UpstreamCall::abort()
{
    m_finished = true;
    m_timer.stop();
    releaseSocket(false);
}

void UpstreamCall::releaseSocket(bool reusable)
{
    QTcpSocket *s = m_conn.socket;
    if (!s)
        return;
    disconnect(s, nullptr, this, nullptr);
    if (reusable) {
        m_pool->give(m_conn, m_spec->keepaliveSize, m_spec->keepaliveIdleMs, m_spec->keepaliveRequests);
    } else {
        s->abort();
        s->deleteLater();
    }
    m_conn = {};
}
