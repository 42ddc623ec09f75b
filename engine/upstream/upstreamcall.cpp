#include "upstreamcall.h"

#include "httpwriter.h"
#include "logthrottle.h"

#include "balancer.h"

UpstreamCall::UpstreamCall(ConnectionPool *pool, UpstreamSink *sink, QObject *parent)
    : QObject(parent), m_pool(pool), m_sink(sink)
{
    m_clock.start();
    m_parser.onHead = [this](HttpResponseHead &&head) {
        m_headSent = true;
        m_sink->upstreamHead(std::move(head), m_parser.framing(), m_parser.contentLength());
    };
    m_parser.onBody = [this](const char *data, qsizetype size) { m_sink->upstreamBody(data, size); };
}

UpstreamCall::~UpstreamCall()
{
    release(false);
}

void UpstreamCall::start(std::shared_ptr<const UpstreamSpec> spec, Balancer *balancer, Request request)
{
    Q_ASSERT(!m_active);
    m_spec = std::move(spec);
    m_balancer = balancer;
    m_request = std::move(request);
    m_tried.clear();
    m_node = -1;
    m_active = true;
    m_headSent = false;
    m_timings = {};
    m_startNs = m_clock.nsecsElapsed();
    if (!m_spec->unknownType.isEmpty()) { // apisix/balancer.lua cannot load apisix.balancer.<type>
        fail(500, QStringLiteral("invalid balancer type: %1").arg(m_spec->unknownType));
        return;
    }
    tryNextNode();
}

QString UpstreamCall::nodeAddress() const
{
    if (m_node < 0 || !m_spec)
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
    m_node = m_balancer->pick(m_request.hashValue, m_tried);
    if (m_node < 0) {
        fail(502, m_tried.isEmpty() ? QStringLiteral("upstream has no node with a weight above 0")
                                    : QStringLiteral("no other upstream node left to retry"));
        return;
    }
    m_tried.append(m_node);
    const UpstreamNode &node = m_spec->nodes[m_node];
    switch (m_spec->passHost) {
    case UpstreamSpec::PassHost::Pass: m_hostHeader = m_request.clientHost; break;
    case UpstreamSpec::PassHost::Rewrite: m_hostHeader = m_spec->upstreamHost; break;
    case UpstreamSpec::PassHost::Node:
        m_hostHeader = node.host;
        if (node.port != (m_spec->https ? 443 : 80))
            m_hostHeader += ':' + QByteArray::number(node.port);
        break;
    }
    if (m_request.hostOverride)
        m_hostHeader = *m_request.hostOverride;
    m_conn = m_pool->take(m_spec->nodes[m_node].poolKey, m_spec->https);
    m_conn->setHolder(this);
    m_reused = m_conn->isOpen();
    m_anyByte = false;
    if (m_reused) {
        send();
        return;
    }
    openConnection();
}

void UpstreamCall::openConnection()
{
    const UpstreamNode &node = m_spec->nodes[m_node];
    m_phase = Phase::Connecting;
    m_deadline.arm(m_spec->connectTimeoutMs);
    m_conn->open(QString::fromUtf8(node.host), node.port, QString::fromUtf8(m_hostHeader.isEmpty() ? node.host : m_hostHeader));
}

void UpstreamCall::connectionEstablished(UpstreamConnection *)
{
    m_timings.connectNs = m_clock.nsecsElapsed() - m_startNs;
    send();
}

void UpstreamCall::send()
{
    m_parser.reset(m_request.method == "HEAD");
    QByteArray out;
    out.reserve(m_request.head.size() + m_hostHeader.size() + 16 + m_request.body.size());
    out.append(QByteArrayView(m_request.head)); // (`out += QByteArray` would share it, and the next append copy it)
    if (!m_hostHeader.isEmpty())
        HttpWriter::field(out, "Host", m_hostHeader);
    HttpWriter::endHead(out);
    out.append(QByteArrayView(m_request.body));
    m_phase = Phase::Sending;
    m_deadline.arm(m_spec->sendTimeoutMs);
    m_conn->uses++;
    m_conn->write(out);
    if (m_conn && m_conn->bytesToWrite() == 0) {
        m_phase = Phase::Reading;
        m_deadline.arm(m_spec->readTimeoutMs);
    }
}

void UpstreamCall::connectionWritten(UpstreamConnection *c)
{
    if (m_phase == Phase::Sending && c->bytesToWrite() == 0) {
        m_phase = Phase::Reading;
        m_deadline.arm(m_spec->readTimeoutMs);
    }
}

void UpstreamCall::connectionReadable(UpstreamConnection *)
{
    readResponse();
}

void UpstreamCall::readResponse()
{
    if (!m_active || !m_conn)
        return;
    if (m_phase == Phase::Sending) // the answer can come before all is written (e.g. an early 413)
        m_phase = Phase::Reading;
    while (m_active && m_conn && !m_conn->input().isEmpty()) {
        if (m_headSent && !m_sink->upstreamCanTakeBody())
            return; // resumeReading() comes back here (the client's streamWritten, not an uncork, calls it)
        UpstreamConnection *conn = m_conn;
        const QByteArray &data = conn->input();
        if (!m_anyByte) {
            m_anyByte = true;
            m_timings.firstByteNs = m_clock.nsecsElapsed() - m_startNs;
        }
        m_deadline.arm(m_spec->readTimeoutMs);
        qsizetype consumed = 0;
        const auto result = m_parser.feed(data, &consumed);
        if (!m_active)
            return; // the sink gave up during a callback (the connection is already discarded)
        if (result == ResponseParser::Result::Error) {
            fail(502, QString::fromUtf8(m_parser.errorText()));
            return;
        }
        const bool clean = consumed == data.size();
        conn->consume(data.size());
        if (result == ResponseParser::Result::Complete) {
            release(m_parser.keepAlive() && clean);
            finish();
            return;
        }
    }
    if (m_active)
        m_sink->upstreamIdle();
}

void UpstreamCall::resumeReading()
{
    if (!m_active || !m_conn)
        return;
    if (!m_conn->input().isEmpty())
        readResponse();
    if (m_active && m_conn && m_conn->input().isEmpty() && m_conn->isClosed()) // not one still connecting
        connectionClosed(m_conn);
}

void UpstreamCall::reconnectSameNode()
{
    // The upstream closed an idle keep-alive connection just as we reused it: connect afresh, same node.
    release(false);
    m_conn = new UpstreamConnection(m_spec->nodes[m_node].poolKey, m_spec->https, m_pool);
    m_conn->setHolder(this);
    m_reused = false;
    openConnection();
}

void UpstreamCall::connectionClosed(UpstreamConnection *c)
{
    if (!m_active)
        return;
    if (!c->input().isEmpty()) {
        readResponse();
        if (!m_active || !m_conn || !m_conn->input().isEmpty())
            return;
    }
    if (m_reused && !m_anyByte) {
        reconnectSameNode();
        return;
    }
    if (m_phase == Phase::Connecting) {
        connectionFailed(c);
        return;
    }
    if (m_parser.finish() == ResponseParser::Result::Complete) {
        release(false);
        finish();
        return;
    }
    fail(502, QString::fromUtf8(m_parser.errorText()));
}

void UpstreamCall::connectionFailed(UpstreamConnection *c)
{
    if (!m_active)
        return;
    if (m_phase == Phase::Connecting) {
        static LogThrottle throttle;
        logThrottled(throttle, [&] { return QStringLiteral("upstream %1: %2").arg(nodeAddress(), c->errorString()).toUtf8(); });
        release(false);
        tryNextNode();
        return;
    }
    if (m_reused && !m_anyByte) {
        reconnectSameNode();
        return;
    }
    connectionClosed(c);
}

void UpstreamCall::onTimer()
{
    if (!m_active)
        return;
    switch (m_phase) {
    case Phase::Connecting:
        release(false);
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
        fail(504, QStringLiteral("timed out reading the response from upstream %1").arg(nodeAddress()));
        return;
    }
}

void UpstreamCall::fail(int status, const QString &why)
{
    if (!m_active)
        return;
    m_active = false;
    release(false);
    m_timings.totalNs = m_clock.nsecsElapsed() - m_startNs;
    m_sink->upstreamFailed(status, why, m_headSent);
}

void UpstreamCall::finish()
{
    m_active = false;
    m_timings.totalNs = m_clock.nsecsElapsed() - m_startNs;
    m_sink->upstreamDone();
}

void UpstreamCall::abort()
{
    m_active = false;
    release(false);
}

void UpstreamCall::clear()
{
    if (m_active)
        return;
    m_request = Request();
    m_hostHeader = QByteArray();
    m_tried.clear(); // (the capacity stays: calls are lent by the worker, not kept per connection)
    m_spec.reset();
    m_balancer = nullptr;
    m_parser.reset(false);
}

void UpstreamCall::release(bool reusable)
{
    UpstreamConnection *c = m_conn;
    if (!c)
        return;
    m_conn = nullptr;
    c->setHolder(nullptr);
    if (reusable)
        m_pool->give(c, m_spec->keepaliveSize, m_spec->keepaliveIdleMs, m_spec->keepaliveRequests);
    else
        c->discard();
}
