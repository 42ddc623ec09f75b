#pragma once

#include "httpmessage.h"
#include "runnermessages.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QStringList>

#include <memory>
#include <optional>

// The semantics of APISIX's ext-plugin-pre-req / -post-req / -post-resp (PROTOCOL.md sections 5-7) as
// pure functions: what the runner is sent, and what its replies do to the request and the response.

class VarsExpr;

struct ExtPluginConfig
{
    QString name;            // "ext-plugin-pre-req" ...
    TextPairs conf;          // in the user's order
    bool allowDegradation = false;
    QByteArray tokenKey;     // confTokenKey(), set when the route (or the global rules) is compiled
    bool global = false;     // a global rule's: runs on every request, before the route's own
    // _meta (apisix/plugin.lua): run only when `filter` holds for the request (meta_filter); an answer of
    // 400 or more from the plugin carries `errorResponse` as its body (run_plugin). A plugin whose
    // _meta.disable is true is not in ExtPlugins at all.
    std::shared_ptr<const VarsExpr> filter;
    std::optional<QByteArray> errorResponse; // a string as it is; an object as JSON and a newline (core.response.exit)
    // "ext-plugin-pre-req", or "global rules' ext-plugin-pre-req": the step an exchange is at
    QString stepName() const { return global ? QStringLiteral("global rules' ") + name : name; }
};

// The ext plugins of a route, in execution order; absent ones (and those _meta.disable turns off) are nullopt.
struct ExtPlugins
{
    std::optional<ExtPluginConfig> preReq;
    std::optional<ExtPluginConfig> postReq;
    std::optional<ExtPluginConfig> postResp;
    bool any() const { return preReq || postReq || postResp; }
};
ExtPlugins extPluginsOf(const QJsonObject &plugins);
// A plugin conf whose `_meta.disable` is true: APISIX neither runs it nor refuses its conf when its check fails.
bool pluginDisabled(const QJsonValue &conf);

// The key of a conf token as apisix/core/lrucache.lua plugin_ctx_id makes it:
// `<conf_type>#<conf_id>#<plugin>#<conf_version>`, e.g. `route#1#ext-plugin-pre-req#7`.
QByteArray confTokenKey(const QString &confType, const QString &confId, const QString &plugin, const QByteArray &confVersion);

// Headers never copied from runner resp_headers nor kept when a post-resp reply carries no headers.
bool isExcludedResponseHeader(QByteArrayView name);

// Query args as the runner sees them: decoded, repeats kept, `k` alone absent, `k=` empty.
TextPairs parseQueryArgs(QByteArrayView query);
QByteArray buildQuery(const TextPairs &args);

// HTTPReqCall.Req for the request as it stands now (path without query, lower-cased header names,
// `host` = the host that will go upstream).
Runner::HttpReqCallReq buildReqCall(const HttpRequest &request, const QByteArray &upstreamHost,
                                    const QHostAddress &peer, quint32 id, quint8 method);

// What a Rewrite did, for the exchange record and for the client response.
struct RewriteEffect
{
    std::optional<QByteArray> newHost;   // a rewritten `host` header
    HttpHeaders respHeaders;             // to set on the client response (exclusion list applied)
    QStringList notes;
};
RewriteEffect applyRewrite(HttpRequest &request, const Runner::Rewrite &rewrite);

// A Stop reply as the client answer.
struct ClientAnswer
{
    int status = 200;
    QByteArray reason;
    HttpHeaders headers;     // without Content-Length / Transfer-Encoding: the sender sets those
    QByteArray body;
};
ClientAnswer stopAnswer(const Runner::Stop &stop);

// Applies an HTTPRespCall.Resp to the upstream's answer. Notes say when APISIX's semantics surprise
// (Content-Type dropped, headers replaced, empty body not expressible).
ClientAnswer applyRespCall(const ClientAnswer &upstream, const Runner::HttpRespCallResp &reply, QStringList *notes);

// Sets `headers` on `target` (replace by name; absent or empty value removes).
void setHeaders(HttpHeaders &target, const HttpHeaders &headers);
