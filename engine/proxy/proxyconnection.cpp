#include "proxyconnection.h"

#include "httpwriter.h"
#include "configstore.h"
#include "logthrottle.h"
#include "proxyworker.h"

namespace {
constexpr qint64 kClientHighWater = 1024 * 1024;
constexpr qint64 kClientLowWater = 256 * 1024;

} // namespace

ProxyConnection::ProxyConnection(qintptr descriptor, ProxyWorker *worker, std::function<void()> ended)
    : QObject(worker), m_worker(worker), m_stream(new Stream(this)),
      m_context{worker->clientSettings(), worker->capture(), m_info}, m_parser(worker->limits()),
      m_ended(std::move(ended)),
      m_deadline(this, [this] { clientTimedOut(); })
{
    m_stream->setReadLimit(1024 * 1024); // pipelined requests wait in here while one is served
    m_stream->setBatchedWrites(true);
    if (!m_stream->adopt(descriptor)) {
        qInfo("cannot take a client connection: %s", qPrintable(m_stream->errorString()));
        deleteLater();
        return;
    }
    m_stream->setHandler(this);
    m_info = m_worker->connectionInfo(m_stream->peerAddress(), m_stream->peerPort(), m_stream->localAddress(), m_stream->localPort());
    // nginx waits for a new connection's first request as long as for a whole head (client_header_timeout).
    m_deadline.arm(m_worker->clientSettings().headerTimeoutMs);
}

void ProxyConnection::timerEvent(QTimerEvent *event)
{
    if (!m_deadline.timerEvent(event))
        QObject::timerEvent(event);
}

UpstreamCall &ProxyConnection::call()
{
    if (!m_call)
        m_call = m_worker->takeUpstreamCall(this);
    return *m_call;
}

PluginCall &ProxyConnection::plugin()
{
    if (!m_plugin)
        m_plugin = m_worker->takePluginCall();
    return *m_plugin;
}

void ProxyConnection::giveBackCalls()
{
    if (m_call)
        m_worker->giveBack(std::move(m_call));
    if (m_plugin)
        m_worker->giveBack(std::move(m_plugin));
}

ProxyConnection::~ProxyConnection()
{
    if (m_exchange) // the worker goes away with the engine
        m_exchange->abandon(QStringLiteral("the engine stopped during %1").arg(QLatin1String(m_exchange->step())));
    m_exchange.reset();
    giveBackCalls();
    if (m_ended)
        m_ended();
}

void ProxyConnection::watchClient()
{
    const ClientSettings &settings = m_worker->clientSettings();
    if (m_stream->bytesToWrite() > 0) { // the client is slow to take the answer
        if (m_wait != Wait::Send) { // armed once; on expiry, progress since then pushes it back
            m_wait = Wait::Send;
            m_sentMark = m_stream->bytesSent();
            m_deadline.arm(settings.sendTimeoutMs);
        }
        return;
    }
    Wait now = Wait::Nothing;
    if (!m_exchange)
        now = m_parser.inBody() ? Wait::Body : m_parser.inMessage() ? Wait::Head : Wait::Request;
    if (now == Wait::Body)
        m_deadline.arm(settings.bodyTimeoutMs); // each read pushes it back
    else if (now == Wait::Head && m_wait != Wait::Head)
        m_deadline.arm(settings.headerTimeoutMs); // from the head's first byte, not pushed back
    else if (now == Wait::Request && m_wait != Wait::Request) {
        m_deadline.arm(settings.keepAliveTimeoutMs);
        m_stream->releaseInput(); // an idle connection keeps no buffer and no parser
        m_parser.releaseWhileIdle();
    }
    m_wait = now;
}

QByteArray ProxyConnection::clientText() const
{
    return "client " + m_info.peerText + ':' + QByteArray::number(m_info.peerPort);
}

void ProxyConnection::clientTimedOut()
{
    const ClientSettings &settings = m_worker->clientSettings();
    if (m_wait == Wait::Send && m_stream->bytesToWrite() > 0) {
        if (m_stream->bytesSent() != m_sentMark) { // it took some since: the timeout runs from that write
            m_sentMark = m_stream->bytesSent();
            m_deadline.arm(settings.sendTimeoutMs);
            return;
        }
        static LogThrottle throttle;
        logThrottled(throttle, [&]() -> QByteArray {
            return clientText() + " took nothing of its answer for "
                + QByteArray::number(settings.sendTimeoutMs) + " ms (send_timeout): closed";
        });
        const QString why = QStringLiteral("the client took nothing of the response for %1 ms (send_timeout): the connection was closed")
                                .arg(settings.sendTimeoutMs);
        if (m_exchange)
            feed([&why](Exchange &e) { e.abandon(why); });
        closeNow();
        return;
    }
    // Like nginx, a client that is too slow with its request gets no answer (408 is only logged there).
    static LogThrottle headThrottle, bodyThrottle;
    switch (m_wait) {
    case Wait::Send: // drained in the meantime
        watchClient();
        return;
    case Wait::Nothing:
        return; // busy: the phases and the upstream call have timers of their own
    case Wait::Request:
        break; // keep-alive idle: a plain close
    case Wait::Head:
        logThrottled(headThrottle, [&]() -> QByteArray {
            return clientText() + " sent no whole request head within "
                + QByteArray::number(settings.headerTimeoutMs) + " ms (client_header_timeout): closed";
        });
        break;
    case Wait::Body:
        logThrottled(bodyThrottle, [&]() -> QByteArray {
            return clientText() + " sent nothing of its request body for "
                + QByteArray::number(settings.bodyTimeoutMs) + " ms (client_body_timeout): closed";
        });
        break;
    }
    closeNow();
}

void ProxyConnection::streamReadable(Stream *)
{
    if (m_exchange || m_closing)
        return; // the rest waits in the stream until this exchange ends
    processInput();
    if (!m_closing)
        watchClient();
}

void ProxyConnection::streamWritten(Stream *)
{
    if (m_call && m_call->isActive() && m_stream->bytesToWrite() < kClientLowWater)
        m_call->resumeReading();
    if (m_closing && m_stream->bytesToWrite() == 0)
        closeNow();
    else
        watchClient();
}

void ProxyConnection::streamClosed(Stream *)
{
    if (m_exchange)
        feed([](Exchange &e) { e.abandon(QStringLiteral("the client disconnected during %1").arg(QLatin1String(e.step()))); });
    closeNow();
}

void ProxyConnection::closeNow()
{
    m_closing = true;
    if (m_call)
        m_call->abort();
    if (m_plugin)
        m_plugin->abort();
    m_stream->abort();
    deleteLater();
}

template<typename Event> void ProxyConnection::feed(Event &&event)
{
    if (!m_exchange)
        return; // a late report of a call given back
    ++m_feeding;
    event(*m_exchange);
    if (--m_feeding == 0 && m_exchange->isOver())
        exchangeOver();
}

void ProxyConnection::newExchange()
{
    m_wait = Wait::Nothing;
    ExchangeIo &io = *this; // a private base: converted here, not in make_unique
    m_exchange = std::make_unique<Exchange>(io, m_context);
}

void ProxyConnection::processInput()
{
    if (m_processing)
        return;
    m_processing = true;
    while (!m_exchange && !m_closing && !m_stream->input().isEmpty()) {
        qsizetype consumed = 0;
        const auto result = m_parser.feed(m_stream->input(), &consumed);
        m_stream->consume(consumed);
        if (result == RequestParser::Result::Error) {
            m_stream->consume(m_stream->input().size());
            newExchange();
            feed([this](Exchange &e) { e.refused(m_parser.errorStatus(), m_parser.errorText()); });
            break;
        }
        if (result == RequestParser::Result::NeedMore) {
            if (m_parser.takeContinue())
                m_stream->write(HttpWriter::kContinue.data(), HttpWriter::kContinue.size());
            break;
        }
        newExchange();
        feed([this](Exchange &e) { e.request(m_parser.takeRequest(), m_worker->store()->snapshot()); });
    }
    m_processing = false;
}

void ProxyConnection::exchangeOver()
{
    const Exchange::After after = m_exchange->after();
    // An idle connection keeps nothing of the exchange (nginx frees its request pool the same way).
    // Given back aborted: an upstream answer not read to its end (the runner replaced it, or failed) is dropped.
    m_exchange.reset();
    giveBackCalls();
    m_stream->uncork();
    switch (after) {
    case Exchange::After::CloseNow:
        closeNow();
        return;
    case Exchange::After::CloseAfterFlush:
        closeAfterFlush();
        return;
    case Exchange::After::KeepAlive:
        break;
    }
    if (!m_processing && !m_stream->input().isEmpty())
        processInput();
    if (!m_processing && !m_closing)
        watchClient();
}

void ProxyConnection::closeAfterFlush()
{
    m_closing = true;
    if (m_stream->bytesToWrite() == 0)
        closeNow();
    else
        watchClient(); // the send timeout still holds for what is left
}

// The exchange's events, from the upstream call and the runner call.

void ProxyConnection::upstreamHead(HttpResponseHead &&head, ResponseParser::BodyFraming framing, qint64 contentLength)
{
    feed([&](Exchange &e) { e.upstreamHead(std::move(head), framing, contentLength); });
}

void ProxyConnection::upstreamBody(const char *data, qsizetype size)
{
    feed([=](Exchange &e) { e.upstreamBody(data, size); });
}

void ProxyConnection::upstreamDone()
{
    feed([](Exchange &e) { e.upstreamDone(); });
}

void ProxyConnection::upstreamFailed(int status, const QString &why, bool headSent)
{
    feed([&](Exchange &e) { e.upstreamFailed(status, why, headSent); });
}

bool ProxyConnection::upstreamCanTakeBody() const
{
    switch (m_exchange ? m_exchange->upstreamBodyPace() : Exchange::BodyPace::Hold) {
    case Exchange::BodyPace::Hold:
        return false;
    case Exchange::BodyPace::ReadAll:
        return true;
    case Exchange::BodyPace::ClientPace:
        break;
    }
    return m_stream->bytesToWrite() < kClientHighWater;
}

void ProxyConnection::upstreamIdle()
{
    m_stream->uncork();
}

// What the exchange asks for.

void ProxyConnection::sendHead(QByteArray head)
{
    m_stream->cork(); // the head goes out with the first body bytes
    m_stream->write(head);
}

void ProxyConnection::send(const char *data, qsizetype size)
{
    m_stream->write(data, size);
    if (m_wait != Wait::Send && m_stream->bytesToWrite() > 0)
        watchClient(); // the send timeout starts
}

void ProxyConnection::send(const QByteArray &data)
{
    m_stream->write(data);
    if (m_wait != Wait::Send && m_stream->bytesToWrite() > 0)
        watchClient();
}

void ProxyConnection::startUpstream(std::shared_ptr<const UpstreamSpec> spec, UpstreamCall::Request request)
{
    Balancer *balancer = m_worker->balancerFor(*spec);
    call().start(std::move(spec), balancer, std::move(request));
}

void ProxyConnection::resumeUpstream()
{
    if (m_call)
        m_call->resumeReading();
}

ExchangeIo::UpstreamFacts ProxyConnection::upstreamFacts(bool withNames) const
{
    if (!m_call)
        return {};
    if (!withNames)
        return {m_call->attempts(), m_call->timings(), {}, {}};
    return {m_call->attempts(), m_call->timings(), m_call->nodeAddress(), m_call->upstreamHostHeader()};
}

void ProxyConnection::callRunner(PluginCallSpec spec, QList<RunnerFrameRecord> *log, const QElapsedTimer *clock)
{
    plugin().start(std::move(spec), log, clock, [this](PluginCallOutcome outcome) {
        feed([&outcome](Exchange &e) { e.runnerDone(std::move(outcome)); });
    });
}

void ProxyConnection::answerExtraInfo(const std::optional<QByteArray> &value)
{
    plugin().answerExtraInfo(value);
}

void ProxyConnection::stopRunner()
{
    if (m_plugin)
        m_plugin->abort();
}

void ProxyConnection::callNextTurn()
{
    QMetaObject::invokeMethod(this, [this, id = m_exchange->id()] {
        if (m_exchange && m_exchange->id() == id && !m_closing)
            feed([](Exchange &e) { e.nextTurn(); });
    }, Qt::QueuedConnection);
}
