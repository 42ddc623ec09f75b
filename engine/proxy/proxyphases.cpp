// The ext-plugin phases of ProxyConnection (PROTOCOL.md sections 5-7).
#include "proxyconnection.h"

#include <algorithm>

#include "configstore.h"
#include "frame.h"
#include "logthrottle.h"
#include "proxyworker.h"
#include "vars.h"

// As apisix/init.lua runs the phases: the global rules' rewrite (ext-plugin-pre-req), the route's, the
// global rules' access (ext-plugin-post-req), the route's; with no route matched, the global rules' two
// and then 404.
void ProxyConnection::runStage(Stage stage)
{
    const ExtPlugins &global = m_snapshot->globalExt;
    switch (stage) {
    case Stage::GlobalPreReq:
        if (global.preReq) {
            runRequestPlugin(*global.preReq, Stage::PreReq);
            return;
        }
        [[fallthrough]];
    case Stage::PreReq:
        if (m_route && m_route->ext.preReq) {
            runRequestPlugin(*m_route->ext.preReq, Stage::GlobalPostReq);
            return;
        }
        [[fallthrough]];
    case Stage::GlobalPostReq:
        if (global.postReq) {
            runRequestPlugin(*global.postReq, Stage::PostReq);
            return;
        }
        [[fallthrough]];
    case Stage::PostReq:
        if (m_route && m_route->ext.postReq) {
            runRequestPlugin(*m_route->ext.postReq, Stage::Upstream);
            return;
        }
        [[fallthrough]];
    case Stage::Upstream:
        if (!m_route) {
            respondLocal(404, "404 Route Not Found", false, LocalAnswer::Apisix);
            return;
        }
        startUpstream();
        return;
    }
}

QByteArray ProxyConnection::hostForRunner() const
{
    if (m_hostOverride)
        return *m_hostOverride;
    const auto *spec = m_route ? m_route->upstream.get() : nullptr;
    if (spec && spec->passHost == UpstreamSpec::PassHost::Rewrite)
        return spec->upstreamHost;
    return m_upstreamRequest.headers.value("host");
}

void ProxyConnection::runRequestPlugin(const ExtPluginConfig &plugin, Stage next)
{
    const int method = Runner::methodCode(m_upstreamRequest.method);
    if (method < 0) {
        // APISIX crashes building this call; we skip the phase and say so.
        m_exchange.record.notes << QStringLiteral("%1 skipped: the runner protocol cannot express the method %2")
                                .arg(plugin.stepName(), QString::fromLatin1(m_upstreamRequest.method));
        runStage(next);
        return;
    }
    PluginCallSpec spec;
    spec.plugin = plugin.name;
    spec.tokenKey = plugin.tokenKey;
    spec.conf = plugin.conf;
    spec.callType = Frame::HttpReqCall;
    spec.buildCall = [this, method](quint32 token, QString *error) {
        Runner::HttpReqCallReq req = buildReqCall(m_upstreamRequest, hostForRunner(), m_peer, quint32(m_exchange.record.id), quint8(method));
        req.confToken = token;
        return Runner::encodeFrame(req, error);
    };
    spec.extraInfo = [this](const Runner::ExtraInfoReq &ask) { return ExtraInfoAnswer{extraInfo(ask)}; };
    m_exchange.stepStartNs = m_exchange.clock.nsecsElapsed();
    m_exchange.step = plugin.name == QLatin1String("ext-plugin-pre-req") ? (plugin.global ? "global rules' ext-plugin-pre-req" : "ext-plugin-pre-req")
                                                                      : (plugin.global ? "global rules' ext-plugin-post-req" : "ext-plugin-post-req");
    this->plugin().start(std::move(spec), m_exchange.capturing ? &m_exchange.record.frames : nullptr, &m_exchange.clock,
                   [this, plugin, next](PluginCallOutcome outcome) { onRequestPluginDone(plugin, next, outcome); });
}

void ProxyConnection::onRequestPluginDone(const ExtPluginConfig &plugin, Stage next, const PluginCallOutcome &outcome)
{
    const qint64 took = m_exchange.clock.nsecsElapsed() - m_exchange.stepStartNs;
    (plugin.name == QLatin1String("ext-plugin-pre-req") ? m_exchange.record.timings.preReqNs : m_exchange.record.timings.postReqNs) += took;
    if (!outcome.ok) {
        pluginFailed(plugin, outcome.error);
        if (plugin.allowDegradation)
            runStage(next);
        return;
    }
    QString error;
    const auto reply = Runner::decodeHttpReqCallResp(outcome.reply, &error);
    if (!reply) {
        pluginFailed(plugin, error);
        if (plugin.allowDegradation)
            runStage(next);
        return;
    }
    switch (reply->action) {
    case Runner::HttpReqCallResp::Action::None:
        runStage(next);
        return;
    case Runner::HttpReqCallResp::Action::Stop: {
        m_exchange.record.modifiedByRunner = true;
        m_exchange.record.notes << QStringLiteral("%1 stopped the request with status %2: the upstream was not called")
                                .arg(plugin.stepName()).arg(reply->stop.status ? reply->stop.status : 200);
        ClientAnswer answer = stopAnswer(reply->stop);
        giveDefaultType(answer, reply->stop.headers);
        respondAnswer(answer);
        return;
    }
    case Runner::HttpReqCallResp::Action::Rewrite: {
        m_exchange.record.modifiedByRunner = true;
        RewriteEffect effect = applyRewrite(m_upstreamRequest, reply->rewrite);
        if (effect.newHost)
            m_hostOverride = effect.newHost;
        for (const auto &[name, value] : effect.respHeaders.fields())
            m_respHeaders.set(name, value); // an empty value stays as "remove" for the response
        m_exchange.record.notes << effect.notes;
        runStage(next);
        return;
    }
    }
}

void ProxyConnection::runResponsePlugin()
{
    const ExtPluginConfig &plugin = *m_postRespPlugin;
    m_exchange.step = plugin.global ? "global rules' ext-plugin-post-resp" : "ext-plugin-post-resp";
    PluginCallSpec spec;
    spec.plugin = plugin.name;
    spec.tokenKey = plugin.tokenKey;
    spec.conf = plugin.conf;
    spec.callType = Frame::HttpRespCall;
    spec.buildCall = [this](quint32 token, QString *error) {
        Runner::HttpRespCallReq req;
        req.id = quint32(m_exchange.record.id);
        req.status = quint16(m_upstreamAnswer.status);
        req.confToken = token;
        req.headers = m_upstreamHeaders.fields(); // shared, not copied; names as the upstream wrote them
        return Runner::encodeFrame(req, error);
    };
    spec.extraInfo = [this](const Runner::ExtraInfoReq &ask) { return responseExtraInfo(ask); };
    m_exchange.stepStartNs = m_exchange.clock.nsecsElapsed();
    this->plugin().start(std::move(spec), m_exchange.capturing ? &m_exchange.record.frames : nullptr, &m_exchange.clock,
                   [this](PluginCallOutcome outcome) { onResponsePluginDone(outcome); });
}

// APISIX answers a Stop and a post-resp reply with core.response.exit(): unless Lua set Content-Type (the
// runner named it, even to remove it; the upstream's is on the exclusion list), lua-nginx-module gives the
// answer nginx's default_type, text/plain (apisix/cli/ngx_tpl.lua sets none), except on a 304.
void ProxyConnection::giveDefaultType(ClientAnswer &answer, const TextPairs &runnerHeaders)
{
    const bool named = std::any_of(runnerHeaders.cbegin(), runnerHeaders.cend(),
                                   [](const TextPair &h) { return headerNameIs(h.name, "content-type"); });
    if (named || answer.status == 304 || !m_worker->clientSettings().addApisixHeaders)
        return;
    answer.headers.set("Content-Type", "text/plain");
    if (m_exchange.capturing)
        m_exchange.record.notes << QStringLiteral("Content-Type: text/plain added as APISIX does (nginx's default_type: the runner named none)");
}

void ProxyConnection::onResponsePluginDone(const PluginCallOutcome &outcome)
{
    m_exchange.record.timings.postRespNs = m_exchange.clock.nsecsElapsed() - m_exchange.stepStartNs;
    const ExtPluginConfig &plugin = *m_postRespPlugin;
    QString error = outcome.error;
    std::optional<Runner::HttpRespCallResp> reply;
    if (outcome.ok)
        reply = Runner::decodeHttpRespCallResp(outcome.reply, &error);
    if (!reply) {
        pluginFailed(plugin, error);
        if (plugin.allowDegradation) { // the upstream's answer, untouched, headers included
            ClientAnswer answer = m_upstreamAnswer;
            setHeaders(answer.headers, m_respHeaders);
            m_upstreamComplete ? respondAnswer(answer) : relay(answer);
        }
        return;
    }
    ClientAnswer answer = applyRespCall(m_upstreamAnswer, *reply, m_exchange.capturing ? &m_exchange.record.notes : nullptr);
    giveDefaultType(answer, reply->headers);
    m_exchange.record.modifiedByRunner = reply->status || !reply->headers.isEmpty() || !reply->body.isEmpty();
    setHeaders(answer.headers, m_respHeaders);
    if (!reply->body.isEmpty() || m_upstreamComplete)
        respondAnswer(answer); // a new body (the rest of the upstream's is not read), or all of it is here
    else
        relay(answer); // the body is kept and was not read: it streams through as it comes
}

ExtraInfoAnswer ProxyConnection::responseExtraInfo(const Runner::ExtraInfoReq &ask)
{
    if (ask.kind != Runner::ExtraInfoReq::Kind::RespBody || m_upstreamComplete)
        return {extraInfo(ask)};
    // The runner wants the body: read it whole now, and answer then (upstreamDone()).
    m_post = PostResp::ReadingBody;
    QMetaObject::invokeMethod(this, [this] {
        if (m_post == PostResp::ReadingBody && m_call)
            m_call->resumeReading();
    }, Qt::QueuedConnection);
    return {std::nullopt, true};
}

void ProxyConnection::relay(const ClientAnswer &answer)
{
    m_post = PostResp::Relaying;
    m_exchange.streamed = true; // the client body is the upstream body
    writeHead(answer.status, answer.reason.isEmpty() ? reasonPhrase(answer.status) : answer.reason, answer.headers,
              m_upstreamHasLength ? Framing::Length : Framing::Chunked, m_upstreamLength);
    const QByteArray held = std::exchange(m_upstreamAnswer.body, QByteArray());
    if (!held.isEmpty())
        writeBody(held.constData(), held.size());
    call().resumeReading(); // the rest, at the pace the client takes it; upstreamDone() ends the exchange
}

void ProxyConnection::pluginFailed(const ExtPluginConfig &plugin, const QString &why)
{
    m_exchange.record.errorStep = plugin.stepName();
    m_exchange.record.errorText = why;
    if (plugin.allowDegradation) {
        m_exchange.record.degraded = true;
        m_exchange.record.notes << QStringLiteral("%1 failed (%2); allow_degradation: the request went on without it").arg(plugin.stepName(), why);
        static LogThrottle throttle;
        logThrottled(throttle, [&] {
            return QStringLiteral("exchange %1: %2 failed, degraded: %3").arg(m_exchange.record.id).arg(plugin.stepName(), why).toUtf8();
        });
        return;
    }
    static LogThrottle throttle;
    logThrottled(throttle, [&] {
        return QStringLiteral("exchange %1: %2 failed, 503: %3").arg(m_exchange.record.id).arg(plugin.stepName(), why).toUtf8();
    });
    respondLocal(503, (plugin.stepName() + QStringLiteral(" failed: ") + why).toUtf8(), false);
}

VarContext ProxyConnection::connectionVars(const HttpRequest &client, const HttpRequest &upstream) const
{
    VarContext c;
    c.client = &client;
    c.upstream = &upstream;
    c.peer = m_peer;
    c.peerPort = m_peerPort;
    c.local = m_local;
    c.localPort = m_localPort;
    return c;
}

std::optional<QByteArray> ProxyConnection::extraInfo(const Runner::ExtraInfoReq &ask) const
{
    switch (ask.kind) {
    case Runner::ExtraInfoReq::Kind::ReqBody:
        return m_client.body.isEmpty() ? std::nullopt : std::optional<QByteArray>(m_client.body);
    case Runner::ExtraInfoReq::Kind::RespBody:
        return m_upstreamAnswer.body; // read once, reused for the client
    case Runner::ExtraInfoReq::Kind::Var:
        break;
    }
    VarContext c = connectionVars(m_client, m_upstreamRequest);
    if (m_route) {
        c.routeId = m_route->id;
        c.routeName = m_route->name;
    }
    c.upstreamHost = m_call ? m_call->upstreamHostHeader() : QByteArray();
    c.upstreamAddr = m_call ? m_call->nodeAddress().toUtf8() : QByteArray();
    c.upstreamStatus = m_upstreamAnswer.status;
    return lookupVar(c, ask.name);
}
