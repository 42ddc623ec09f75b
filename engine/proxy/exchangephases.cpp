// The ext-plugin phases of an Exchange (PROTOCOL.md sections 5-7).
#include "exchange.h"

#include "clientsettings.h"
#include "configstore.h"
#include "frame.h"
#include "logthrottle.h"
#include "varsexpr.h"

void Exchange::runStage(Pipeline::Stage stage)
{
    const Pipeline::Step step = Pipeline::stepFrom(stage, m_snapshot->globalExt, m_route);
    switch (step.kind) {
    case Pipeline::Step::Kind::Plugin:
        if (filterAllows(*step.plugin))
            runRequestPlugin(*step.plugin, step.next);
        else
            runStage(step.next);
        return;
    case Pipeline::Step::Kind::NotFound:
        respondLocal(404, "404 Route Not Found", false, LocalAnswer::Apisix);
        return;
    case Pipeline::Step::Kind::Upstream:
        startUpstream();
        return;
    }
}

bool Exchange::filterAllows(const ExtPluginConfig &plugin)
{
    if (!plugin.filter)
        return true;
    // apisix/plugin.lua meta_filter: the plugin's _meta.filter against ctx.var as the request stands now.
    const VarContext vars = requestVars();
    if (plugin.filter->matches([&vars](QByteArrayView name) { return lookupVar(vars, name); }))
        return true;
    m_record.notes << QStringLiteral("%1 not run: its _meta.filter does not hold for this request (APISIX skips it too)").arg(plugin.stepName());
    return false;
}

QByteArray Exchange::hostForRunner() const
{
    if (m_hostOverride)
        return *m_hostOverride;
    const auto *spec = m_route ? m_route->upstream.get() : nullptr;
    if (spec && spec->passHost == UpstreamSpec::PassHost::Rewrite)
        return spec->upstreamHost;
    return m_upstreamRequest.headers.value("host");
}

void Exchange::runRequestPlugin(const ExtPluginConfig &plugin, Pipeline::Stage next)
{
    const int method = Runner::methodCode(m_upstreamRequest.method);
    if (method < 0) {
        // APISIX crashes building this call; we skip the phase and say so.
        m_record.notes << QStringLiteral("%1 skipped: the runner protocol cannot express the method %2")
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
        Runner::HttpReqCallReq req = buildReqCall(m_upstreamRequest, hostForRunner(), m_context.connection.peer,
                                                  quint32(m_record.id), quint8(method));
        req.confToken = token;
        return Runner::encodeFrame(req, error);
    };
    spec.extraInfo = [this](const Runner::ExtraInfoReq &ask) { return ExtraInfoAnswer{extraInfo(ask)}; };
    m_stepStartNs = m_clock.nsecsElapsed();
    m_step = plugin.name == QLatin1String("ext-plugin-pre-req") ? (plugin.global ? "global rules' ext-plugin-pre-req" : "ext-plugin-pre-req")
                                                                : (plugin.global ? "global rules' ext-plugin-post-req" : "ext-plugin-post-req");
    m_phase = Phase::RequestPlugin;
    m_requestPlugin = &plugin;
    m_next = next;
    m_io.callRunner(std::move(spec), m_capturing ? &m_record.frames : nullptr, &m_clock);
}

void Exchange::runnerDone(PluginCallOutcome &&outcome)
{
    switch (std::exchange(m_phase, Phase::None)) {
    case Phase::RequestPlugin:
        requestPluginDone(std::move(outcome));
        return;
    case Phase::ResponsePlugin:
        responsePluginDone(std::move(outcome));
        return;
    case Phase::None:
        return; // a call given up on
    }
}

void Exchange::requestPluginDone(PluginCallOutcome &&outcome)
{
    const ExtPluginConfig &plugin = *m_requestPlugin;
    const bool pre = plugin.name == QLatin1String("ext-plugin-pre-req");
    ExchangeTimings &t = m_record.timings;
    qint64 &took = pre ? t.preReqNs : t.postReqNs;
    qint64 &at = pre ? t.preReqAtNs : t.postReqAtNs;
    took = qMax<qint64>(took, 0) + m_clock.nsecsElapsed() - m_stepStartNs;
    if (at < 0)
        at = m_stepStartNs;
    Pipeline::RequestEffects effects;
    Pipeline::Result result = Pipeline::afterRequestPlugin(plugin, std::move(outcome), m_upstreamRequest, effects,
                                                           m_context.settings.addApisixHeaders);
    if (effects.host)
        m_hostOverride = effects.host;
    for (const auto &[name, value] : effects.respHeaders.fields())
        m_respHeaders.set(name, value); // an empty value stays as "remove" for the response
    m_record.modifiedByRunner |= effects.modified;
    m_record.notes << effects.notes;
    if (auto *respond = std::get_if<Pipeline::Respond>(&result)) {
        giveErrorResponse(respond->answer, plugin);
        respondAnswer(respond->answer);
        return;
    }
    if (const auto *fail = std::get_if<Pipeline::Fail>(&result)) {
        pluginFailed(*fail, &plugin);
        if (!fail->degrade)
            return;
    }
    runStage(m_next);
}

void Exchange::runResponsePlugin()
{
    const ExtPluginConfig &plugin = *m_postRespPlugin;
    m_step = plugin.global ? "global rules' ext-plugin-post-resp" : "ext-plugin-post-resp";
    PluginCallSpec spec;
    spec.plugin = plugin.name;
    spec.tokenKey = plugin.tokenKey;
    spec.conf = plugin.conf;
    spec.callType = Frame::HttpRespCall;
    spec.buildCall = [this](quint32 token, QString *error) {
        Runner::HttpRespCallReq req;
        req.id = quint32(m_record.id);
        req.status = quint16(m_upstreamAnswer.status);
        req.confToken = token;
        req.headers = m_upstreamHeaders.fields(); // shared, not copied; names as the upstream wrote them
        return Runner::encodeFrame(req, error);
    };
    spec.extraInfo = [this](const Runner::ExtraInfoReq &ask) { return responseExtraInfo(ask); };
    m_stepStartNs = m_clock.nsecsElapsed();
    m_record.timings.postRespAtNs = m_stepStartNs;
    m_phase = Phase::ResponsePlugin;
    m_io.callRunner(std::move(spec), m_capturing ? &m_record.frames : nullptr, &m_clock);
}

void Exchange::responsePluginDone(PluginCallOutcome &&outcome)
{
    m_record.timings.postRespNs = m_clock.nsecsElapsed() - m_stepStartNs;
    bool modified = false;
    Pipeline::Result result = Pipeline::afterResponsePlugin(*m_postRespPlugin, std::move(outcome), m_upstreamAnswer,
                                                            m_context.settings.addApisixHeaders, &modified,
                                                            m_capturing ? &m_record.notes : nullptr);
    m_record.modifiedByRunner = modified;
    bool keepsBody = true;
    ClientAnswer answer;
    if (auto *respond = std::get_if<Pipeline::Respond>(&result)) {
        answer = std::move(respond->answer);
        keepsBody = respond->keepsUpstreamBody;
        if (!keepsBody) // ext-plugin-post-resp returned (code, body): run_plugin's error_response applies
            giveErrorResponse(answer, *m_postRespPlugin);
    } else {
        const auto &fail = std::get<Pipeline::Fail>(result);
        pluginFailed(fail, nullptr); // (before_proxy returns nothing then: no error_response)
        if (!fail.degrade)
            return;
        answer = m_upstreamAnswer; // the upstream's answer, untouched, headers included
    }
    setHeaders(answer.headers, m_respHeaders);
    if (!keepsBody)
        m_upstreamAnswer.body = QByteArray(); // replaced (and captured, as far as the capture keeps bodies): not held on
    if (!keepsBody || m_upstreamComplete)
        respondAnswer(answer); // a new body (the rest of the upstream's is not read), or all of it is here
    else
        relay(answer); // the body is kept and was not read: it streams through as it comes
}

ExtraInfoAnswer Exchange::responseExtraInfo(const Runner::ExtraInfoReq &ask)
{
    if (ask.kind != Runner::ExtraInfoReq::Kind::RespBody || m_upstreamComplete)
        return {extraInfo(ask)};
    // The runner wants the body: read it whole now (next turn: the runner's frame is still being read),
    // and answer then (upstreamDone()).
    m_post = PostResp::ReadingBody;
    m_resumePending = true;
    m_io.callNextTurn();
    return {std::nullopt, true};
}

void Exchange::nextTurn()
{
    if (std::exchange(m_postRespPending, false))
        runResponsePlugin();
    if (std::exchange(m_resumePending, false) && m_post == PostResp::ReadingBody)
        m_io.resumeUpstream();
}

void Exchange::relay(const ClientAnswer &answer)
{
    m_post = PostResp::Relaying;
    m_streamed = true; // the client body is the upstream body
    writeHead(answer.status, answer.reason.isEmpty() ? reasonPhrase(answer.status) : answer.reason, answer.headers,
              m_upstreamHasLength ? Framing::Length : Framing::Chunked, m_upstreamLength);
    const QByteArray held = std::exchange(m_upstreamAnswer.body, QByteArray());
    if (!held.isEmpty())
        writeBody(held.constData(), held.size());
    m_io.resumeUpstream(); // the rest, at the pace the client takes it; upstreamDone() ends the exchange
}

void Exchange::giveErrorResponse(ClientAnswer &answer, const ExtPluginConfig &plugin)
{
    if (!plugin.errorResponse || answer.status < 400)
        return;
    answer.body = *plugin.errorResponse;
    m_record.notes << QStringLiteral("%1 answered %2: the body is its _meta.error_response, as APISIX gives it").arg(plugin.stepName()).arg(answer.status);
}

void Exchange::pluginFailed(const Pipeline::Fail &fail, const ExtPluginConfig *plugin)
{
    m_record.errorStep = fail.step;
    m_record.errorText = fail.reason;
    if (fail.degrade) {
        m_record.degraded = true;
        m_record.notes << QStringLiteral("%1 failed (%2); allow_degradation: the request went on without it").arg(fail.step, fail.reason);
        static LogThrottle throttle;
        logThrottled(throttle, [&] {
            return QStringLiteral("exchange %1: %2 failed, degraded: %3").arg(m_record.id).arg(fail.step, fail.reason).toUtf8();
        });
        return;
    }
    static LogThrottle throttle;
    logThrottled(throttle, [&] {
        return QStringLiteral("exchange %1: %2 failed, %3: %4").arg(m_record.id).arg(fail.step).arg(fail.status).arg(fail.reason).toUtf8();
    });
    if (plugin && plugin->errorResponse) { // the plugin returned its status: run_plugin gives it this body
        ClientAnswer answer{fail.status, {}, {}, {}};
        Pipeline::giveDefaultType(answer, {}, m_capturing ? &m_record.notes : nullptr);
        giveErrorResponse(answer, *plugin);
        respondAnswer(answer);
        return;
    }
    respondLocal(fail.status, (fail.step + QStringLiteral(" failed: ") + fail.reason).toUtf8(), false);
}

VarContext Exchange::connectionVars(const HttpRequest &client, const HttpRequest &upstream) const
{
    const ConnectionInfo &conn = m_context.connection;
    VarContext c;
    c.client = &client;
    c.upstream = &upstream;
    c.peer = conn.peer;
    c.peerPort = conn.peerPort;
    c.local = conn.local;
    c.localPort = conn.localPort;
    return c;
}

VarContext Exchange::requestVars() const
{
    VarContext c = connectionVars(m_client, m_upstreamRequest);
    if (m_route) {
        c.routeId = m_route->id;
        c.routeName = m_route->name;
    }
    return c;
}

std::optional<QByteArray> Exchange::extraInfo(const Runner::ExtraInfoReq &ask) const
{
    switch (ask.kind) {
    case Runner::ExtraInfoReq::Kind::ReqBody:
        return m_client.body.isEmpty() ? std::nullopt : std::optional<QByteArray>(m_client.body);
    case Runner::ExtraInfoReq::Kind::RespBody:
        return m_upstreamAnswer.body; // read once, reused for the client
    case Runner::ExtraInfoReq::Kind::Var:
        break;
    }
    VarContext c = requestVars();
    const ExchangeIo::UpstreamFacts facts = m_io.upstreamFacts(true); // empty before the upstream call
    c.upstreamHost = facts.hostHeader;
    c.upstreamAddr = facts.node.toUtf8();
    c.upstreamStatus = m_upstreamAnswer.status;
    return lookupVar(c, ask.name);
}
