#pragma once

#include <QByteArray>

#include <optional>

// The request path as nginx makes its $uri (ngx_http_parse_complex_uri), which is what APISIX routes on
// and what its `uri` variable holds: every %XX decoded, "." segments dropped, ".." resolved, runs of '/'
// merged. A path that climbs above the root, has a broken or NUL escape, is refused (nginx: 400).
// The forwarded request keeps the path as the client sent it, as nginx's proxy_pass without a URI does.
std::optional<QByteArray> normalizeUriPath(const QByteArray &rawPath);
