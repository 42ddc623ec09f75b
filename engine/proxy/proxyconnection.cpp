#include "proxyconnection.h"

#include "capturestore.h"
#include "coarseclock.h"
#include "httpwriter.h"
#include "logthrottle.h"
#include "configstore.h"
#include "proxyworker.h"
#include "vars.h"

#include <QDateTime>

namespace {
constexpr qint64 kClientHighWater = 1024 * 1024;
constexpr qint64 kClientLowWater = 256 * 1024;

QByteArray addressText(const QHostAddress &a)
{
    return a.toString().toLatin1();
}

QHostAddress plain(QHostAddress a)
{
    bool isV4 = false;
    const quint32 v4 = a.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : a;
}
} // namespace

ProxyConnection::ProxyConnection(qintptr descriptor, ProxyWorker *worker, std::function<void()> ended)
    : QObject(worker), m_worker(worker), m_stream(new Stream(this)), m_parser(worker->limits()),
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
    m_peer = plain(m_stream->peerAddress());
    m_peerPort = m_stream->peerPort();
    m_local = plain(m_stream->localAddress());
    m_localPort = m_stream->localPort();
    m_peerText = addressText(m_peer);
    m_localPortText = QByteArray::number(m_localPort);
    // nginx waits for a new connection's first request as long as for a whole head (client_header_timeout).
    m_deadline.arm(m_worker->clientSettings().headerTimeoutMs);
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
    if (m_busy && !m_exchange.finished) { // the worker goes away with the engine
        m_exchange.record.errorStep = QString::fromLatin1(m_exchange.step);
        m_exchange.record.errorText = QStringLiteral("the engine stopped during %1").arg(QLatin1String(m_exchange.step));
        finishRecord();
    }
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
    if (!m_busy)
        now = m_parser.inBody() ? Wait::Body : m_parser.inMessage() ? Wait::Head : Wait::Request;
    if (now == Wait::Body)
        m_deadline.arm(settings.bodyTimeoutMs); // each read pushes it back
    else if (now == Wait::Head && m_wait != Wait::Head)
        m_deadline.arm(settings.headerTimeoutMs); // from the head's first byte, not pushed back
    else if (now == Wait::Request && m_wait != Wait::Request)
        m_deadline.arm(settings.keepAliveTimeoutMs);
    m_wait = now;
}

QByteArray ProxyConnection::clientText() const
{
    return "client " + m_peerText + ':' + QByteArray::number(m_peerPort);
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
        abandon(QStringLiteral("the client took nothing of the response for %1 ms (send_timeout): the connection was closed")
                    .arg(settings.sendTimeoutMs));
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
    if (m_busy || m_closing)
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
    abandon(QStringLiteral("the client disconnected during %1").arg(QLatin1String(m_exchange.step)));
}

void ProxyConnection::abandon(const QString &why)
{
    if (m_busy && !m_exchange.finished) {
        CapturedExchange &rec = m_exchange.record;
        if (rec.errorText.isEmpty()) { // keep a failure that came first (the client left after a 502)
            rec.errorStep = QString::fromLatin1(m_exchange.step);
            rec.errorText = why;
        } else if (!why.isEmpty()) {
            rec.notes << why;
        }
        finishRecord();
    }
    closeNow();
}

void ProxyConnection::closeNow()
{
    if (m_call)
        m_call->abort();
    if (m_plugin)
        m_plugin->abort();
    m_stream->abort();
    deleteLater();
}

void ProxyConnection::processInput()
{
    if (m_processing)
        return;
    m_processing = true;
    while (!m_busy && !m_closing && !m_stream->input().isEmpty()) {
        qsizetype consumed = 0;
        const auto result = m_parser.feed(m_stream->input(), &consumed);
        m_stream->consume(consumed);
        if (result == RequestParser::Result::Error) {
            m_stream->consume(m_stream->input().size());
            // A request refused as it was read is an exchange too: the user sees what was refused and why.
            beginExchange();
            m_exchange.step = "reading the request";
            m_exchange.record.errorStep = QString::fromLatin1(m_exchange.step);
            m_exchange.record.errorText = QString::fromUtf8(m_parser.errorText());
            respondLocal(m_parser.errorStatus(), m_parser.errorText(), true);
            break;
        }
        if (result == RequestParser::Result::NeedMore) {
            if (m_parser.takeContinue())
                m_stream->write(HttpWriter::kContinue.data(), HttpWriter::kContinue.size());
            break;
        }
        handleRequest(m_parser.takeRequest());
    }
    m_processing = false;
}

void ProxyConnection::beginExchange()
{
    m_exchange = Exchange{};
    m_exchange.clock.start();
    CaptureStore *capture = m_worker->capture();
    m_exchange.capturing = capture && capture->isCapturing();
    m_exchange.bodyCap = capture ? capture->bodyCap() : 0;
    CapturedExchange &rec = m_exchange.record;
    rec.id = m_worker->nextExchangeId();
    rec.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    if (m_exchange.capturing)
        rec.clientAddress = m_peer.toString() + QLatin1Char(':') + QString::number(m_peerPort);
}

void ProxyConnection::handleRequest(HttpRequest request)
{
    m_busy = true;
    m_wait = Wait::Nothing;
    m_keepAlive = request.keepAlive;
    m_clientIsHttp10 = request.versionMajor == 1 && request.versionMinor == 0;
    m_headRequest = request.method == "HEAD";
    m_upstreamLength = -1;
    beginExchange();
    CapturedExchange &rec = m_exchange.record;
    if (m_exchange.capturing) { // without a capture, only what the pipeline itself needs is kept
        rec.clientRequest.present = true;
        rec.clientRequest.method = request.method;
        rec.clientRequest.target = request.target;
        rec.clientRequest.headers = request.headers;
        m_exchange.setBody(rec.clientRequest, request.body);
    }
    m_snapshot = m_worker->store()->snapshot();
    // Routed on the normalised path, as APISIX routes on nginx's $uri; forwarded as the client sent it.
    if (!m_snapshot->router.usesVars()) {
        m_route = m_snapshot->router.match({request.method, request.uri, request.hostView(), m_peer});
    } else { // a route has `vars`: they are looked up in the request as APISIX's ctx.var does
        const VarContext vars = connectionVars(request, request);
        const VarsExpr::Lookup lookup = [&vars](QByteArrayView name) { return lookupVar(vars, name); };
        m_route = m_snapshot->router.match({request.method, request.uri, request.hostView(), m_peer, &lookup});
    }
    if (m_exchange.capturing)
        rec.routingPath = request.uri;
    rec.timings.routeNs = m_exchange.clock.nsecsElapsed();
    const ExtPlugins &global = m_snapshot->globalExt;
    if (!m_route && !global.preReq && !global.postReq) {
        respondLocal(404, "404 Route Not Found", false, LocalAnswer::Apisix);
        return;
    }
    if (m_route) {
        rec.routeId = m_route->id;
        rec.routeName = m_route->name;
        if (m_route->source.serviceVersion && m_exchange.capturing)
            rec.notes << QStringLiteral("route %1 runs with service %2 merged in (its plugins, upstream and hosts where the route has none)")
                             .arg(m_route->id, m_route->source.serviceId);
    }
    m_postRespPlugin = global.postResp ? &*global.postResp : m_route && m_route->ext.postResp ? &*m_route->ext.postResp : nullptr;
    if (global.postResp && m_route && m_route->ext.postResp)
        rec.notes << QStringLiteral("the route's ext-plugin-post-resp did not run: the global rules' answered first, as in APISIX");
    m_hostOverride.reset();
    m_respHeaders = HttpHeaders();
    if (global.any() || (m_route && m_route->ext.any()))
        m_client = request;
    m_upstreamRequest = std::move(request);
    runStage(Pipeline::Stage::GlobalPreReq);
}

void ProxyConnection::startUpstream()
{
    if (!m_route->upstream) {
        respondLocal(503, "missing upstream configuration in Route or Service", false, LocalAnswer::Apisix);
        return;
    }
    const auto &spec = m_route->upstream;
    m_exchange.step = "the upstream call";
    m_framing = Framing::None;
    m_post = m_postRespPlugin ? PostResp::Waiting : PostResp::Off;
    m_postRespPending = false;
    m_upstreamComplete = false;
    m_upstreamAnswer = ClientAnswer();
    HttpRequest &r = m_upstreamRequest;
    UpstreamCall::Request call;
    call.head.reserve(512);
    HttpWriter::requestLine(call.head, r.method, r.target);
    if (m_exchange.capturing) {
        CapturedMessage &sent = m_exchange.record.upstreamRequest;
        sent.present = true;
        sent.method = r.method;
        sent.target = r.target;
        appendUpstreamHeaders(r, call.head, &sent.headers);
        m_exchange.setBody(sent, r.body);
    } else {
        appendUpstreamHeaders(r, call.head, nullptr);
    }
    call.hashValue = hashValue(r, *spec);
    call.clientHost = r.headers.value("host");
    call.hostOverride = m_hostOverride;
    call.method = r.method;
    call.body = r.body;
    this->call().start(spec, m_worker->balancerFor(*spec), std::move(call));
}

void ProxyConnection::appendUpstreamHeaders(const HttpRequest &r, QByteArray &head, HttpHeaders *captured) const
{
    const auto add = [&head, captured](const QByteArray &name, const QByteArray &value) {
        HttpWriter::field(head, name, value);
        if (captured)
            captured->add(name, value);
    };
    const QByteArray connectionTokens = r.headers.value("connection");
    QByteArray forwardedFor;
    for (const auto &[name, value] : r.headers.fields()) {
        // Expect is answered here (the whole body is read before the upstream is called), never passed on:
        // an upstream that honours it would send a 100 Continue nobody waits for.
        if (HttpWriter::isHopByHop(name, connectionTokens) || headerNameIs(name, "host") || headerNameIs(name, "content-length")
            || headerNameIs(name, "expect")
            || headerNameIs(name, "x-real-ip") || headerNameIs(name, "x-forwarded-proto")
            || headerNameIs(name, "x-forwarded-host") || headerNameIs(name, "x-forwarded-port"))
            continue;
        if (headerNameIs(name, "x-forwarded-for")) {
            if (!forwardedFor.isEmpty())
                forwardedFor += ", ";
            forwardedFor += value;
            continue;
        }
        add(name, value);
    }
    static const QByteArray realIp("X-Real-IP"), forwardedForName("X-Forwarded-For"), proto("X-Forwarded-Proto"),
        http("http"), forwardedHost("X-Forwarded-Host"), forwardedPort("X-Forwarded-Port"), length("Content-Length");
    add(realIp, m_peerText);
    add(forwardedForName, forwardedFor.isEmpty() ? m_peerText : forwardedFor + ", " + m_peerText);
    add(proto, http);
    if (const QByteArrayView h = r.hostView(); !h.isEmpty()) {
        HttpWriter::field(head, forwardedHost, h);
        if (captured)
            captured->add(forwardedHost, h.toByteArray());
    }
    add(forwardedPort, m_localPortText);
    if (!r.body.isEmpty() || r.chunked || r.headers.contains("content-length"))
        add(length, QByteArray::number(r.body.size()));
}

QByteArray ProxyConnection::hashValue(const HttpRequest &r, const UpstreamSpec &spec) const
{
    if (spec.type != UpstreamSpec::Type::CHash)
        return {};
    // The same variables ExtraInfo answers with; like APISIX, a missing value falls back to remote_addr.
    VarContext c;
    c.client = &r;
    c.peer = m_peer;
    QByteArray name = spec.hashKey.toUtf8();
    if (spec.hashOn == QLatin1String("header"))
        name = "http_" + name.toLower().replace('-', '_');
    else if (spec.hashOn == QLatin1String("cookie"))
        name = "cookie_" + name;
    const std::optional<QByteArray> value = lookupVar(c, name);
    return value && !value->isEmpty() ? *value : m_peerText;
}

void ProxyConnection::writeHead(int status, const QByteArray &reason, const HttpHeaders &headers, Framing framing, qint64 length)
{
    QByteArray out;
    out.reserve(512);
    HttpWriter::statusLine(out, status, reason);
    const ClientSettings &settings = m_worker->clientSettings();
    // What APISIX's header filter adds (apisix/init.lua): its Server in place of the upstream's, and the
    // upstream's status when it was a 5xx.
    const bool apisix = settings.addApisixHeaders;
    const bool statusHeader = apisix && !m_upstreamStatus.isEmpty()
        && (settings.upstreamStatusAlways || m_upstreamStatus.mid(m_upstreamStatus.lastIndexOf(' ') + 1).startsWith('5'));
    const bool charset = apisix && !settings.charset().isEmpty(); // nginx 1.22 adds it to a gzip body's type, a 204's and a 304's too
    bool charsetAdded = false;
    for (const auto &[name, value] : headers.fields()) {
        if (apisix && (headerNameIs(name, "server") || (statusHeader && headerNameIs(name, "x-apisix-upstream-status"))))
            continue;
        if (charset && headerNameIs(name, "content-type") && takesCharset(value)) { // nginx's charset, as APISIX's nginx.conf sets it
            HttpWriter::field(out, name, QByteArray(value + settings.charsetSuffix()));
            charsetAdded = true;
            continue;
        }
        HttpWriter::field(out, name, value);
    }
    if (apisix) {
        HttpWriter::field(out, "Server", settings.serverHeader);
        if (statusHeader)
            HttpWriter::field(out, "X-APISIX-Upstream-Status", m_upstreamStatus);
    }
    m_framing = framing;
    if (framing == Framing::Chunked && m_clientIsHttp10) {
        m_framing = Framing::Close;
        m_keepAlive = false;
    }
    if (m_framing == Framing::Length || (m_framing == Framing::None && length >= 0))
        HttpWriter::field(out, "Content-Length", length);
    else if (m_framing == Framing::Chunked)
        HttpWriter::field(out, "Transfer-Encoding", "chunked");
    if (!m_keepAlive)
        HttpWriter::field(out, "Connection", "close");
    else if (m_clientIsHttp10)
        HttpWriter::field(out, "Connection", "keep-alive");
    HttpWriter::endHead(out);
    m_exchange.step = "the response";
    m_stream->cork(); // the head goes out with the first body bytes
    m_stream->write(out);
    m_exchange.writeStartNs = m_exchange.clock.nsecsElapsed();
    if (!m_exchange.capturing)
        return;
    CapturedMessage &m = m_exchange.record.clientResponse;
    m.present = true;
    m.status = status;
    m.reason = reason;
    m.headers = headers;
    if (charsetAdded) {
        m.headers.set("Content-Type", m.headers.value("content-type") + settings.charsetSuffix());
        m_exchange.record.notes << settings.charsetNote(); // one shared text, not built per exchange
    }
    if (apisix) {
        m.headers.remove("server");
        m.headers.add("Server", settings.serverHeader);
        if (!statusHeader) {
            m_exchange.record.notes << settings.serverNote(); // one shared text, not built per exchange
        } else {
            m.headers.remove("x-apisix-upstream-status");
            m.headers.add("X-APISIX-Upstream-Status", m_upstreamStatus);
            m_exchange.record.notes << QStringLiteral("Server: %1 and X-APISIX-Upstream-Status: %2 added as APISIX does")
                                           .arg(QString::fromLatin1(settings.serverHeader), QString::fromLatin1(m_upstreamStatus));
        }
    }
    if (m_framing == Framing::Length || (m_framing == Framing::None && length >= 0))
        m.headers.add("Content-Length", QByteArray::number(length));
    else if (m_framing == Framing::Chunked)
        m.headers.add("Transfer-Encoding", "chunked");
}

void ProxyConnection::noteUpstreamStatus(int status)
{
    // Each attempt before the last failed to connect or was refused: nginx lists those as 502.
    m_upstreamStatus.clear();
    for (int i = 1; i < m_call->attempts(); ++i)
        m_upstreamStatus += "502, ";
    m_upstreamStatus += QByteArray::number(status);
}

void ProxyConnection::upstreamHead(HttpResponseHead &&head, ResponseParser::BodyFraming framing, qint64 contentLength)
{
    noteUpstreamStatus(head.status);
    CapturedMessage &before = m_exchange.record.upstreamResponse;
    before.present = true; // kept for statusBefore() and the error check, capture or not
    before.status = head.status;
    if (m_exchange.capturing) {
        before.reason = head.reason;
        before.headers = head.headers;
    }
    const QByteArray connectionTokens = head.headers.value("connection");
    if (m_post != PostResp::Off)
        m_upstreamHeaders = head.headers; // for HTTPRespCall.Req: every header as received, as APISIX sends them
    HttpHeaders headers;
    headers.fields().reserve(head.headers.size() + m_respHeaders.size());
    for (auto &field : head.headers.fields()) {
        if (HttpWriter::isHopByHop(field.first, connectionTokens) || headerNameIs(field.first, "content-length"))
            continue;
        headers.fields().append(std::move(field));
    }
    if (m_post != PostResp::Off) {
        m_upstreamLength = contentLength; // what a HEAD answer announces, there being no body to count
        m_upstreamHasLength = framing == ResponseParser::BodyFraming::Length;
        m_upstreamAnswer.status = head.status;
        m_upstreamAnswer.reason = head.reason;
        m_upstreamAnswer.headers = std::move(headers);
        // The runner is called once the parser is out of its callback: from upstreamDone() when the answer
        // is whole already, else from the event loop (the upstream read is paused now, so nothing else comes).
        m_postRespPending = true;
        QMetaObject::invokeMethod(this, [this, id = m_exchange.record.id] {
            if (m_busy && m_exchange.record.id == id && std::exchange(m_postRespPending, false))
                runResponsePlugin();
        }, Qt::QueuedConnection);
        return;
    }
    if (!m_respHeaders.isEmpty())
        setHeaders(headers, m_respHeaders);
    Framing f = Framing::None;
    switch (framing) {
    case ResponseParser::BodyFraming::None: f = Framing::None; break;
    case ResponseParser::BodyFraming::Length: f = Framing::Length; break;
    case ResponseParser::BodyFraming::Chunked:
    case ResponseParser::BodyFraming::UntilClose: f = Framing::Chunked; break;
    }
    m_exchange.streamed = true;
    writeHead(head.status, head.reason, headers, f, contentLength); // HEAD and 304 keep the length they announce
}

void ProxyConnection::upstreamBody(const char *data, qsizetype size)
{
    if (size == 0)
        return;
    m_exchange.appendBody(m_exchange.record.upstreamResponse, data, size);
    if (m_post == PostResp::Waiting || m_post == PostResp::ReadingBody) {
        m_upstreamAnswer.body.append(data, size); // what came with the head, or all of it for RespBody
        return;
    }
    writeBody(data, size);
}

void ProxyConnection::writeBody(const char *data, qsizetype size)
{
    if (m_framing == Framing::Chunked) {
        QByteArray chunk;
        chunk.reserve(size + 12);
        HttpWriter::chunk(chunk, data, size);
        m_stream->write(chunk);
    } else {
        m_stream->write(data, size);
    }
    if (m_wait != Wait::Send && m_stream->bytesToWrite() > 0)
        watchClient(); // the send timeout starts
}

bool ProxyConnection::upstreamCanTakeBody() const
{
    switch (m_post) {
    case PostResp::Waiting:
        return false; // the body waits in the upstream socket until the runner has answered
    case PostResp::ReadingBody:
        return true;
    case PostResp::Off:
    case PostResp::Relaying:
        break;
    }
    return m_stream->bytesToWrite() < kClientHighWater;
}

void ProxyConnection::upstreamIdle()
{
    m_stream->uncork();
}

void ProxyConnection::recordUpstreamCall()
{
    const UpstreamCall::Timings &t = m_call->timings(); // called back by it: it is there
    ExchangeTimings &timings = m_exchange.record.timings;
    timings.connectNs = t.connectNs;
    timings.firstByteNs = t.firstByteNs;
    timings.upstreamNs = t.totalNs;
    if (!m_exchange.capturing)
        return;
    m_exchange.record.upstreamAddress = m_call->nodeAddress();
    const QByteArray host = m_call->upstreamHostHeader();
    if (!host.isEmpty())
        m_exchange.record.upstreamRequest.headers.add("Host", host);
}

void ProxyConnection::upstreamDone()
{
    recordUpstreamCall();
    m_upstreamComplete = true;
    if (m_post == PostResp::ReadingBody) { // the runner asked for it: here it is, whole
        m_post = PostResp::Waiting;
        plugin().answerExtraInfo(m_upstreamAnswer.body);
        return;
    }
    if (m_post == PostResp::Waiting) {
        if (std::exchange(m_postRespPending, false))
            runResponsePlugin(); // a bodiless answer, or one read whole with its head
        return; // the runner's reply answers the client
    }
    if (m_framing == Framing::Chunked)
        m_stream->write(HttpWriter::kLastChunk.data(), HttpWriter::kLastChunk.size());
    if (m_framing == Framing::Close)
        m_keepAlive = false;
    endExchange();
}

void ProxyConnection::upstreamFailed(int status, const QString &why, bool headSent)
{
    recordUpstreamCall();
    m_exchange.record.errorStep = QStringLiteral("upstream");
    m_exchange.record.errorText = why;
    static LogThrottle throttle;
    logThrottled(throttle, [&] {
        return QStringLiteral("exchange %1: upstream failed with %2: %3").arg(m_exchange.record.id).arg(status).arg(why).toUtf8();
    });
    if (headSent && (m_post == PostResp::Off || m_post == PostResp::Relaying)) {
        // The client already has part of the answer: all we can do is cut it short.
        m_exchange.record.notes << QStringLiteral("the response was cut short: the upstream failed after it began");
        abandon({});
        return;
    }
    if (m_plugin)
        m_plugin->abort(); // a post-resp call about an answer that will not come
    m_post = PostResp::Off;
    if (m_call->attempts() > 0)
        noteUpstreamStatus(status);
    respondLocal(status, reasonPhrase(status).prepend(QByteArray::number(status) + ' ') + ": " + why.toUtf8(), false);
}

void ProxyConnection::respondLocal(int status, const QByteArray &errorMessage, bool close, LocalAnswer kind)
{
    if (close)
        m_keepAlive = false;
    const QByteArray body = HttpWriter::errorBody(QString::fromUtf8(errorMessage));
    HttpHeaders headers;
    headers.add("Content-Type", kind == LocalAnswer::Apisix ? "text/plain" : "application/json");
    m_busy = true;
    writeHead(status, reasonPhrase(status), headers, Framing::Length, body.size());
    m_stream->write(body);
    m_exchange.setBody(m_exchange.record.clientResponse, body);
    if (m_exchange.record.errorText.isEmpty() && status >= 400 && status != 404)
        m_exchange.record.errorText = QString::fromUtf8(errorMessage);
    endExchange();
}

void ProxyConnection::respondAnswer(const ClientAnswer &answer)
{
    const bool noBody = m_headRequest || answer.status == 204 || answer.status == 304;
    // A HEAD answer keeps the length the upstream announced (what the GET would send), unless a body replaced it.
    qint64 length = answer.body.size();
    if (answer.status == 204 || answer.status == 304)
        length = -1;
    else if (m_headRequest && answer.body.isEmpty() && m_upstreamLength >= 0)
        length = m_upstreamLength;
    writeHead(answer.status, answer.reason.isEmpty() ? reasonPhrase(answer.status) : answer.reason, answer.headers,
              noBody ? Framing::None : Framing::Length, length);
    if (!noBody) {
        m_stream->write(answer.body);
        m_exchange.setBody(m_exchange.record.clientResponse, answer.body);
    }
    endExchange();
}

void ProxyConnection::finishRecord()
{
    Q_ASSERT(!m_exchange.finished);
    if (std::exchange(m_exchange.finished, true))
        return;
    CapturedExchange &rec = m_exchange.record;
    const qint64 now = m_exchange.clock.nsecsElapsed();
    rec.timings.totalNs = now;
    if (m_exchange.writeStartNs >= 0)
        rec.timings.writeNs = now - m_exchange.writeStartNs;
    if (m_exchange.streamed) { // relayed as it came: the same bytes, kept once
        rec.clientResponse.body = rec.upstreamResponse.body;
        rec.clientResponse.bodySize = rec.upstreamResponse.bodySize;
    }
    CaptureStore *capture = m_worker->capture();
    if (capture && m_exchange.capturing)
        capture->add(std::make_shared<const CapturedExchange>(std::move(rec)));
}

void ProxyConnection::endExchange()
{
    m_post = PostResp::Off;
    m_stream->uncork();
    finishRecord();
    m_busy = false;
    m_snapshot.reset();
    m_route = nullptr;
    // An idle connection keeps nothing of the exchange (nginx frees its request pool the same way).
    // Given back aborted: an upstream answer not read to its end (the runner replaced it, or failed) is dropped.
    giveBackCalls();
    m_client = HttpRequest();
    m_upstreamRequest = HttpRequest();
    m_upstreamAnswer = ClientAnswer();
    m_upstreamHeaders = HttpHeaders();
    m_respHeaders = HttpHeaders();
    m_upstreamStatus.clear();
    m_hostOverride.reset(); // (the record was moved into the capture, or is small without one)
    if (!m_keepAlive) {
        closeAfterFlush();
        return;
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
