#pragma once

#include "runnermessages.h"

#include <QHash>
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

// What the conf needs to know from the gateway before it can answer.
QList<Need> needsForRequest(const TextPairs &conf);
QList<Need> needsForResponse(const TextPairs &conf);

Runner::HttpReqCallResp runRequest(const TextPairs &conf, const Runner::HttpReqCallReq &call, const Answers &answers);
Runner::HttpRespCallResp runResponse(const TextPairs &conf, const Runner::HttpRespCallReq &call, const Answers &answers);

} // namespace DemoPlugins
