#include "exchange.h"

#include "capturestore.h"
#include "clientsettings.h"
#include "configstore.h"
#include "frame.h"
#include "httpwriter.h"
#include "logthrottle.h"
#include "proxyworker.h"

#include <QDateTime>

Exchange::Exchange(ExchangeIo &io, const ExchangeContext &context) : m_io(io), m_context(context)
{
    m_clock.start();
    CaptureStore *capture = m_context.capture;
    m_capturing = capture && capture->isCapturing();
    m_bodyCap = capture ? capture->bodyCap() : 0;
    m_record.id = ProxyWorker::nextExchangeId();
    m_record.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    if (m_capturing)
        m_record.clientAddress = m_context.connection.peer.toString() + QLatin1Char(':')
            + QString::number(m_context.connection.peerPort);
}

void Exchange::appendBody(CapturedMessage &m, const char *data, qsizetype size) const
{
    m.bodySize += size;
    if (m_capturing && m.body.size() < m_bodyCap)
        m.body.append(data, qMin<qsizetype>(size, qsizetype(m_bodyCap - m.body.size())));
}

void Exchange::setBody(CapturedMessage &m, const QByteArray &body) const
{
    m.bodySize = body.size();
    if (m_capturing)
        m.body = body.size() > m_bodyCap ? body.left(qsizetype(m_bodyCap)) : body;
}

void Exchange::refused(int status, const QByteArray &why)
{
    // A request refused as it was read is an exchange too: the user sees what was refused and why.
    m_step = "reading the request";
    m_record.errorStep = QString::fromLatin1(m_step);
    m_record.errorText = QString::fromUtf8(why);
    respondLocal(status, why, true);
}

void Exchange::request(HttpRequest request, std::shared_ptr<const ConfigSnapshot> snapshot)
{
    m_keepAlive = request.keepAlive;
    m_clientIsHttp10 = request.versionMajor == 1 && request.versionMinor == 0;
    m_headRequest = request.method == "HEAD";
    CapturedExchange &rec = m_record;
    if (m_capturing) { // without a capture, only what the pipeline itself needs is kept
        rec.clientRequest.present = true;
        rec.clientRequest.method = request.method;
        rec.clientRequest.target = request.target;
        rec.clientRequest.headers = request.headers;
        setBody(rec.clientRequest, request.body);
    }
    m_snapshot = std::move(snapshot);
    const QHostAddress &peer = m_context.connection.peer;
    // Routed on the normalised path, as APISIX routes on nginx's $uri; forwarded as the client sent it.
    if (!m_snapshot->router.usesVars()) {
        m_route = m_snapshot->router.match({request.method, request.uri, request.hostView(), peer});
    } else { // a route has `vars`: they are looked up in the request as APISIX's ctx.var does
        const VarContext vars = connectionVars(request, request);
        const VarsExpr::Lookup lookup = [&vars](QByteArrayView name) { return lookupVar(vars, name); };
        m_route = m_snapshot->router.match({request.method, request.uri, request.hostView(), peer, &lookup});
    }
    if (m_capturing)
        rec.routingPath = request.uri;
    rec.timings.routeNs = m_clock.nsecsElapsed();
    const ExtPlugins &global = m_snapshot->globalExt;
    if (!m_snapshot->globalNotRun.isEmpty() && m_capturing)
        rec.notes << m_snapshot->globalNotRun;
    if (!m_route && !global.preReq && !global.postReq) {
        respondLocal(404, "404 Route Not Found", false, LocalAnswer::Apisix);
        return;
    }
    if (m_route) {
        rec.routeId = m_route->id;
        rec.routeName = m_route->name;
        // apisix/init.lua http_access_phase, right after matching: what the route names must exist.
        if (m_route->source.pluginConfigMissing || m_route->source.serviceMissing) {
            const bool pc = m_route->source.pluginConfigMissing;
            rec.notes << QStringLiteral("route %1's %2 is gone (deleted with ?force=true): APISIX answers %3")
                             .arg(m_route->id, pc ? QStringLiteral("plugin config") : QStringLiteral("service"), pc ? QStringLiteral("503") : QStringLiteral("404"));
            respondLocal(pc ? 503 : 404, pc ? "failed to fetch plugin config" : "failed to fetch service configuration", false, LocalAnswer::Apisix);
            return;
        }
        if (!m_route->notRun.isEmpty() && m_capturing)
            rec.notes << m_route->notRun; // (one shared text, built when the route was compiled)
        if (m_route->source.serviceVersion && m_capturing)
            rec.notes << QStringLiteral("route %1 runs with service %2 merged in (its plugins, upstream and hosts where the route has none)")
                             .arg(m_route->id, m_route->source.serviceId);
    }
    m_postRespPlugin = global.postResp ? &*global.postResp : m_route && m_route->ext.postResp ? &*m_route->ext.postResp : nullptr;
    if (global.postResp && m_route && m_route->ext.postResp)
        rec.notes << QStringLiteral("the route's ext-plugin-post-resp did not run: the global rules' answered first, as in APISIX");
    if (global.any() || (m_route && m_route->ext.any()))
        m_client = request;
    m_upstreamRequest = std::move(request);
    runStage(Pipeline::Stage::GlobalPreReq);
}

void Exchange::startUpstream()
{
    if (!m_route->upstream) {
        respondLocal(503, "missing upstream configuration in Route or Service", false, LocalAnswer::Apisix);
        return;
    }
    const auto &spec = m_route->upstream;
    m_step = "the upstream call";
    m_framing = Framing::None;
    if (m_postRespPlugin && !filterAllows(*m_postRespPlugin)) // meta_filter in before_proxy, where it runs
        m_postRespPlugin = nullptr;
    m_post = m_postRespPlugin ? PostResp::Waiting : PostResp::Off;
    HttpRequest &r = m_upstreamRequest;
    UpstreamCall::Request call;
    call.head.reserve(512);
    HttpWriter::requestLine(call.head, r.method, r.target);
    if (m_capturing) {
        CapturedMessage &sent = m_record.upstreamRequest;
        sent.present = true;
        sent.method = r.method;
        sent.target = r.target;
        appendUpstreamHeaders(r, call.head, &sent.headers);
        setBody(sent, r.body);
    } else {
        appendUpstreamHeaders(r, call.head, nullptr);
    }
    call.hashValue = hashValue(r, *spec);
    call.clientHost = r.headers.value("host");
    call.hostOverride = m_hostOverride;
    call.method = r.method;
    call.body = r.body;
    m_record.timings.upstreamAtNs = m_clock.nsecsElapsed();
    m_io.startUpstream(spec, std::move(call));
}

void Exchange::appendUpstreamHeaders(const HttpRequest &r, QByteArray &head, HttpHeaders *captured) const
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
    const QByteArray &peerText = m_context.connection.peerText;
    add(realIp, peerText);
    add(forwardedForName, forwardedFor.isEmpty() ? peerText : forwardedFor + ", " + peerText);
    add(proto, http);
    if (const QByteArrayView h = r.hostView(); !h.isEmpty()) {
        HttpWriter::field(head, forwardedHost, h);
        if (captured)
            captured->add(forwardedHost, h.toByteArray());
    }
    add(forwardedPort, m_context.connection.localPortText);
    if (!r.body.isEmpty() || r.chunked || r.headers.contains("content-length"))
        add(length, QByteArray::number(r.body.size()));
}

QByteArray Exchange::hashValue(const HttpRequest &r, const UpstreamSpec &spec) const
{
    if (spec.type != UpstreamSpec::Type::CHash)
        return {};
    // The same variables ExtraInfo answers with; like APISIX, a missing value falls back to remote_addr.
    VarContext c;
    c.client = &r;
    c.peer = m_context.connection.peer;
    QByteArray name = spec.hashKey.toUtf8();
    if (spec.hashOn == QLatin1String("header"))
        name = "http_" + name.toLower().replace('-', '_');
    else if (spec.hashOn == QLatin1String("cookie"))
        name = "cookie_" + name;
    const std::optional<QByteArray> value = lookupVar(c, name);
    return value && !value->isEmpty() ? *value : m_context.connection.peerText;
}

void Exchange::writeHead(int status, const QByteArray &reason, const HttpHeaders &headers, Framing framing, qint64 length)
{
    QByteArray out;
    out.reserve(512);
    HttpWriter::statusLine(out, status, reason);
    const ClientSettings &settings = m_context.settings;
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
    m_step = "the response";
    m_io.sendHead(std::move(out));
    m_writeStartNs = m_clock.nsecsElapsed();
    if (!m_capturing)
        return;
    CapturedMessage &m = m_record.clientResponse;
    m.present = true;
    m.status = status;
    m.reason = reason;
    m.headers = headers;
    if (charsetAdded) {
        m.headers.set("Content-Type", m.headers.value("content-type") + settings.charsetSuffix());
        m_record.notes << settings.charsetNote(); // one shared text, not built per exchange
    }
    if (apisix) {
        m.headers.remove("server");
        m.headers.add("Server", settings.serverHeader);
        if (!statusHeader) {
            m_record.notes << settings.serverNote(); // one shared text, not built per exchange
        } else {
            m.headers.remove("x-apisix-upstream-status");
            m.headers.add("X-APISIX-Upstream-Status", m_upstreamStatus);
            m_record.notes << QStringLiteral("Server: %1 and X-APISIX-Upstream-Status: %2 added as APISIX does")
                                  .arg(QString::fromLatin1(settings.serverHeader), QString::fromLatin1(m_upstreamStatus));
        }
    }
    if (m_framing == Framing::Length || (m_framing == Framing::None && length >= 0))
        m.headers.add("Content-Length", QByteArray::number(length));
    else if (m_framing == Framing::Chunked)
        m.headers.add("Transfer-Encoding", "chunked");
}

void Exchange::writeBody(const char *data, qsizetype size)
{
    if (m_framing == Framing::Chunked) {
        QByteArray chunk;
        chunk.reserve(size + 12);
        HttpWriter::chunk(chunk, data, size);
        m_io.send(chunk.constData(), chunk.size());
    } else {
        m_io.send(data, size);
    }
}

void Exchange::noteUpstreamStatus(int status, int attempts)
{
    // Each attempt before the last failed to connect or was refused: nginx lists those as 502.
    m_upstreamStatus.clear();
    for (int i = 1; i < attempts; ++i)
        m_upstreamStatus += "502, ";
    m_upstreamStatus += QByteArray::number(status);
}

void Exchange::upstreamHead(HttpResponseHead &&head, ResponseParser::BodyFraming framing, qint64 contentLength)
{
    noteUpstreamStatus(head.status, m_io.upstreamFacts().attempts);
    CapturedMessage &before = m_record.upstreamResponse;
    before.present = true; // kept for statusBefore() and the error check, capture or not
    before.status = head.status;
    if (m_capturing) {
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
        // is whole already, else on the next turn (the upstream read is held now, so nothing else comes).
        m_postRespPending = true;
        m_io.callNextTurn();
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
    m_streamed = true;
    writeHead(head.status, head.reason, headers, f, contentLength); // HEAD and 304 keep the length they announce
}

void Exchange::upstreamBody(const char *data, qsizetype size)
{
    if (size == 0)
        return;
    appendBody(m_record.upstreamResponse, data, size);
    if (m_post == PostResp::Waiting || m_post == PostResp::ReadingBody) {
        // What came with the head, or all of it for RespBody: in one buffer of the announced size (a
        // growing one could take half as much again), up to what one runner frame can carry.
        const qint64 expected = qMin<qint64>(m_upstreamLength, Frame::kMaxPayload);
        if (m_post == PostResp::ReadingBody && m_upstreamHasLength && m_upstreamAnswer.body.capacity() < expected)
            m_upstreamAnswer.body.reserve(qsizetype(expected));
        m_upstreamAnswer.body.append(data, size);
        return;
    }
    writeBody(data, size);
}

Exchange::BodyPace Exchange::upstreamBodyPace() const
{
    switch (m_post) {
    case PostResp::Waiting:
        return BodyPace::Hold; // the body waits in the upstream socket until the runner has answered
    case PostResp::ReadingBody:
        return BodyPace::ReadAll;
    case PostResp::Off:
    case PostResp::Relaying:
        break;
    }
    return BodyPace::ClientPace;
}

void Exchange::recordUpstreamCall()
{
    const ExchangeIo::UpstreamFacts facts = m_io.upstreamFacts(m_capturing);
    ExchangeTimings &timings = m_record.timings;
    timings.connectNs = facts.timings.connectNs;
    timings.firstByteNs = facts.timings.firstByteNs;
    timings.upstreamNs = facts.timings.totalNs;
    if (!m_capturing)
        return;
    m_record.upstreamAddress = facts.node;
    if (!facts.hostHeader.isEmpty())
        m_record.upstreamRequest.headers.add("Host", facts.hostHeader);
}

void Exchange::upstreamDone()
{
    recordUpstreamCall();
    m_upstreamComplete = true;
    if (m_post == PostResp::ReadingBody) { // the runner asked for it: here it is, whole
        m_post = PostResp::Waiting;
        m_io.answerExtraInfo(m_upstreamAnswer.body);
        return;
    }
    if (m_post == PostResp::Waiting) {
        if (std::exchange(m_postRespPending, false))
            runResponsePlugin(); // a bodiless answer, or one read whole with its head
        return; // the runner's reply answers the client
    }
    if (m_framing == Framing::Chunked)
        m_io.send(HttpWriter::kLastChunk.data(), HttpWriter::kLastChunk.size());
    if (m_framing == Framing::Close)
        m_keepAlive = false;
    finish(m_keepAlive ? After::KeepAlive : After::CloseAfterFlush);
}

void Exchange::upstreamFailed(int status, const QString &why, bool headSent)
{
    recordUpstreamCall();
    m_record.errorStep = QStringLiteral("upstream");
    m_record.errorText = why;
    static LogThrottle throttle;
    logThrottled(throttle, [&] {
        return QStringLiteral("exchange %1: upstream failed with %2: %3").arg(m_record.id).arg(status).arg(why).toUtf8();
    });
    if (headSent && (m_post == PostResp::Off || m_post == PostResp::Relaying)) {
        // The client already has part of the answer: all we can do is cut it short.
        m_record.notes << QStringLiteral("the response was cut short: the upstream failed after it began");
        abandon({});
        return;
    }
    if (m_phase == Phase::ResponsePlugin) {
        m_io.stopRunner(); // a post-resp call about an answer that will not come
        m_phase = Phase::None;
    }
    m_post = PostResp::Off;
    if (const int attempts = m_io.upstreamFacts().attempts; attempts > 0)
        noteUpstreamStatus(status, attempts);
    respondLocal(status, reasonPhrase(status).prepend(QByteArray::number(status) + ' ') + ": " + why.toUtf8(), false);
}

void Exchange::respondLocal(int status, const QByteArray &errorMessage, bool close, LocalAnswer kind)
{
    if (close)
        m_keepAlive = false;
    const QByteArray body = HttpWriter::errorBody(QString::fromUtf8(errorMessage));
    HttpHeaders headers;
    headers.add("Content-Type", kind == LocalAnswer::Apisix ? "text/plain" : "application/json");
    writeHead(status, reasonPhrase(status), headers, Framing::Length, body.size());
    m_io.send(body);
    setBody(m_record.clientResponse, body);
    if (m_record.errorText.isEmpty() && status >= 400 && status != 404)
        m_record.errorText = QString::fromUtf8(errorMessage);
    finish(m_keepAlive ? After::KeepAlive : After::CloseAfterFlush);
}

void Exchange::respondAnswer(const ClientAnswer &answer)
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
        m_io.send(answer.body);
        setBody(m_record.clientResponse, answer.body);
    }
    finish(m_keepAlive ? After::KeepAlive : After::CloseAfterFlush);
}

void Exchange::abandon(const QString &why)
{
    if (m_finished)
        return;
    if (m_record.errorText.isEmpty()) { // keep a failure that came first (the client left after a 502)
        m_record.errorStep = QString::fromLatin1(m_step);
        m_record.errorText = why;
    } else if (!why.isEmpty()) {
        m_record.notes << why;
    }
    finish(After::CloseNow);
}

void Exchange::finish(After after)
{
    Q_ASSERT(!m_finished);
    if (std::exchange(m_finished, true))
        return;
    m_after = after;
    m_post = PostResp::Off;
    m_postRespPending = m_resumePending = false;
    CapturedExchange &rec = m_record;
    const qint64 now = m_clock.nsecsElapsed();
    rec.timings.totalNs = now;
    if (m_writeStartNs >= 0) {
        rec.timings.writeAtNs = m_writeStartNs;
        rec.timings.writeNs = now - m_writeStartNs;
    }
    if (m_streamed) { // relayed as it came: the same bytes, kept once
        rec.clientResponse.body = rec.upstreamResponse.body;
        rec.clientResponse.bodySize = rec.upstreamResponse.bodySize;
    }
    CaptureStore *capture = m_context.capture;
    if (capture && m_capturing)
        capture->add(std::make_shared<const CapturedExchange>(std::move(rec)));
}
