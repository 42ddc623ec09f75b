#pragma once
// The exchange's stages and what each runner reply means, without I/O (DESIGN.md's pipeline): the order
// apisix/init.lua runs the phases in, and per stage a result, Continue | Respond(answer) | Fail{step,
// status, reason}. ProxyConnection feeds a stage's outcome in and carries out what comes out; tst_pipeline
// plays them without sockets.

#include "extplugin.h"
#include "plugincall.h"

#include <variant>

struct CompiledRoute;

namespace Pipeline {

// Before the upstream, as apisix/init.lua runs them: the global rules' rewrite (ext-plugin-pre-req), the
// route's, the global rules' access (ext-plugin-post-req), the route's; then the upstream. With no route
// matched, the global rules' two run and the answer is 404.
enum class Stage { GlobalPreReq, PreReq, GlobalPostReq, PostReq, Upstream };

struct Step
{
    enum class Kind { Plugin, Upstream, NotFound };
    Kind kind = Kind::Upstream;
    const ExtPluginConfig *plugin = nullptr; // Plugin: the one to call
    Stage next = Stage::Upstream;            // Plugin: where to go on after it
};
// The first thing to do from `from` on: stages without a plugin are passed over.
Step stepFrom(Stage from, const ExtPlugins &global, const CompiledRoute *route);

struct Continue
{
};
struct Respond
{
    ClientAnswer answer;
    bool keepsUpstreamBody = false; // post-resp: the body is the upstream's, still to be relayed
};
struct Fail
{
    QString step;        // "ext-plugin-pre-req", "global rules' ext-plugin-post-resp", ...
    QString reason;
    bool degrade = false; // allow_degradation: go on as if the plugin were not there
    int status = 503;
};
using Result = std::variant<Continue, Respond, Fail>;

// What a request plugin's reply changed, for the request going upstream and the client's answer.
struct RequestEffects
{
    std::optional<QByteArray> host; // a rewritten Host
    HttpHeaders respHeaders;        // Rewrite.resp_headers for the client's answer (empty value: remove)
    bool modified = false;          // the runner stopped or rewrote
    QStringList notes;
};

// ext-plugin-pre-req / -post-req: None → Continue; Rewrite → Continue with `upstream` rewritten;
// Stop → Respond; a failed call or a reply that does not decode → Fail.
// `defaultType`: nginx's default_type applies (APISIX's headers are added).
Result afterRequestPlugin(const ExtPluginConfig &plugin, PluginCallOutcome outcome, HttpRequest &upstream,
                          RequestEffects &effects, bool defaultType);

// ext-plugin-post-resp: the reply applied to the upstream's answer → Respond (keepsUpstreamBody when the
// runner gave no body); a failure → Fail (with degrade, the upstream's answer goes out as it came).
Result afterResponsePlugin(const ExtPluginConfig &plugin, PluginCallOutcome outcome, const ClientAnswer &upstream,
                           bool defaultType, bool *modified, QStringList *notes);

// Stop and post-resp replies go out through core.response.exit(): unless Lua set Content-Type (the runner
// named it, even to remove it; the upstream's is on the exclusion list), lua-nginx-module gives the
// answer nginx's default_type, text/plain (apisix/cli/ngx_tpl.lua sets none), except on a 304.
void giveDefaultType(ClientAnswer &answer, const TextPairs &runnerHeaders, QStringList *notes);

} // namespace Pipeline
