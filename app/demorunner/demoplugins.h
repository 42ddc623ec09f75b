#pragma once

#include "runnermessages.h"

#include <QHash>
#include <QJsonObject>
#include <QList>

// The plugins of routescope-demo-runner. Each conf entry names a plugin; its value is JSON:
//   ext-plugin-A       any value: adds X-Ext-Plugin-A: executed and X-Ext-Plugin-A-Conf: <value>
//   response-headers   {"set": {"k": "v"}, "remove": ["k"]}
//   rewrite            {"path": "/p", "headers": {"k": "v" | null}, "args": {"k": "v" | null}}  (request phases)
//   stop               {"status": 403, "body": "...", "headers": {"k": "v"}}                (request phases)
//   body               {"replace": "..."} or {"append": "..."}                              (post-resp)
//   status             {"code": 201}                                                        (post-resp)
//   vars               {"names": ["uri", "remote_addr"]}: X-Var-<name>: value, "(absent)" if none
//   req-body           X-Req-Body: <length> or "(absent)"
//   noop               changes nothing
// Unknown names are ignored. Entries apply in conf order.
namespace DemoPlugins {

struct Need
{
    Runner::ExtraInfoReq ask;
};
using Answers = QHash<QByteArray, std::optional<QByteArray>>; // "var:<name>", "reqbody", "respbody"

QByteArray answerKey(const Runner::ExtraInfoReq &ask);

struct Plugin
{
    QByteArray name;
    std::optional<QByteArray> value;
    QJsonObject json; // the value parsed, empty when it is not a JSON object
};

// A conf as the runner keeps it behind its token: parsed once at PrepareConf, not on every call.
struct Conf
{
    QList<Plugin> plugins;
    QList<Need> requestNeeds;  // what the gateway must tell before a request phase can be answered
    QList<Need> responseNeeds; // the same for post-resp
    bool readsResponseHeaders = false; // whether post-resp looks at the upstream's headers at all
};
Conf prepare(const TextPairs &entries);

Runner::HttpReqCallResp runRequest(const Conf &conf, const Runner::HttpReqCallReq &call, const Answers &answers);
Runner::HttpRespCallResp runResponse(const Conf &conf, const Runner::HttpRespCallReq &call, const Answers &answers);

} // namespace DemoPlugins
