#include "pipeline.h"

#include "router.h"

#include <algorithm>

namespace Pipeline {

Step stepFrom(Stage from, const ExtPlugins &global, const CompiledRoute *route)
{
    const auto plugin = [](const ExtPluginConfig &p, Stage next) { return Step{Step::Kind::Plugin, &p, next}; };
    switch (from) {
    case Stage::GlobalPreReq:
        if (global.preReq)
            return plugin(*global.preReq, Stage::PreReq);
        [[fallthrough]];
    case Stage::PreReq:
        if (route && route->ext.preReq)
            return plugin(*route->ext.preReq, Stage::GlobalPostReq);
        [[fallthrough]];
    case Stage::GlobalPostReq:
        if (global.postReq)
            return plugin(*global.postReq, Stage::PostReq);
        [[fallthrough]];
    case Stage::PostReq:
        if (route && route->ext.postReq)
            return plugin(*route->ext.postReq, Stage::Upstream);
        [[fallthrough]];
    case Stage::Upstream:
        break;
    }
    return Step{route ? Step::Kind::Upstream : Step::Kind::NotFound};
}

void giveDefaultType(ClientAnswer &answer, const TextPairs &runnerHeaders, QStringList *notes)
{
    const bool named = std::any_of(runnerHeaders.cbegin(), runnerHeaders.cend(),
                                   [](const TextPair &h) { return headerNameIs(h.name, "content-type"); });
    if (named || answer.status == 304)
        return;
    answer.headers.set("Content-Type", "text/plain");
    if (notes)
        *notes << QStringLiteral("Content-Type: text/plain added as APISIX does (nginx's default_type: the runner named none)");
}

Result afterRequestPlugin(const ExtPluginConfig &plugin, PluginCallOutcome outcome, HttpRequest &upstream,
                          RequestEffects &effects, bool defaultType)
{
    QString error = outcome.error;
    std::optional<Runner::HttpReqCallResp> reply;
    if (outcome.ok)
        reply = Runner::decodeHttpReqCallResp(std::move(outcome.reply), &error);
    if (!reply)
        return Fail{plugin.stepName(), error, plugin.allowDegradation};
    switch (reply->action) {
    case Runner::HttpReqCallResp::Action::None:
        return Continue{};
    case Runner::HttpReqCallResp::Action::Stop: {
        effects.modified = true;
        effects.notes << QStringLiteral("%1 stopped the request with status %2: the upstream was not called")
                             .arg(plugin.stepName()).arg(reply->stop.status ? reply->stop.status : 200);
        ClientAnswer answer = stopAnswer(reply->stop);
        if (defaultType)
            giveDefaultType(answer, reply->stop.headers, &effects.notes);
        return Respond{std::move(answer)};
    }
    case Runner::HttpReqCallResp::Action::Rewrite: {
        effects.modified = true;
        RewriteEffect effect = applyRewrite(upstream, reply->rewrite);
        if (effect.newHost)
            effects.host = effect.newHost;
        for (const auto &[name, value] : effect.respHeaders.fields())
            effects.respHeaders.set(name, value); // an empty value stays as "remove" for the response
        effects.notes << effect.notes;
        return Continue{};
    }
    }
    return Continue{};
}

Result afterResponsePlugin(const ExtPluginConfig &plugin, PluginCallOutcome outcome, const ClientAnswer &upstream,
                           bool defaultType, bool *modified, QStringList *notes)
{
    QString error = outcome.error;
    std::optional<Runner::HttpRespCallResp> reply;
    if (outcome.ok)
        reply = Runner::decodeHttpRespCallResp(std::move(outcome.reply), &error);
    if (!reply)
        return Fail{plugin.stepName(), error, plugin.allowDegradation};
    ClientAnswer answer = applyRespCall(upstream, *reply, notes);
    if (defaultType)
        giveDefaultType(answer, reply->headers, notes);
    *modified = reply->status || !reply->headers.isEmpty() || !reply->body.isEmpty();
    const bool keeps = reply->body.isEmpty(); // an empty body cannot be expressed: the upstream's stays
    return Respond{std::move(answer), keeps};
}

} // namespace Pipeline
