#pragma once

#include <QString>

// Whether a JSONPath parses as APISIX's `jsonpath` module (lua-jsonpath 1.0, a PEG grammar) parses it, for
// the checks that call its jp.parse: a route's `post_arg.*` vars (admin/routes.lua) and acl's
// external_user_label_field. Empty when it parses, else the module's error:
// `invalid expression "$..([x"` or `invalid expression "$.a[.b" near "[.b"`.
QString jsonPathProblem(const QString &path);
