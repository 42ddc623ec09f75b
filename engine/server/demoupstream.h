#pragma once

#include "httpserver.h"

// The answers of the built-in demo upstream (APISIX's docs use 127.0.0.1:1980 as upstream):
//   .../status/<code>  answers that status     .../delay/<ms>  echoes after a delay
//   .../chunked        echoes, chunked          .../bytes/<n>   n bytes of body
//   anything else   echoes the request as JSON (method, uri, headers, body, remote address)
// Every answer carries X-Upstream-Port, so balancing can be seen from the client side.
LocalReply demoUpstreamReply(const LocalRequest &request, quint16 ownPort);
