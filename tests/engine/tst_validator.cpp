#include "jsonpath.h"
#include "validator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>

class TestValidator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void routes_data();
    void routes();
    void jsonPaths_data();
    void jsonPaths();
    void replacementTemplates();
    void customPluginsAreKnown();
    void upstreams_data();
    void upstreams();
    void nodesHint();
};

void TestValidator::routes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("pointer");   // of the first problem; empty: no problem at all
    QTest::addColumn<QString>("message");   // start of its message
    QTest::addColumn<bool>("error");
    auto row = [](const char *name, const char *json, const char *pointer, const char *message, bool error) {
        QTest::newRow(name) << QByteArray(json) << QString::fromUtf8(pointer) << QString::fromUtf8(message) << error;
    };
    row("minimal", R"({"uri":"/a","upstream_id":"u"})", "", "", false);
    row("empty ext conf is fine", R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-post-resp":{}}})", "", "", false);
    row("full ext conf", R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-pre-req":{"conf":[{"name":"a","value":"{\"x\":1}"}],"allow_degradation":true}}})", "", "", false);
    row("uris duplicate", R"({"uris":["/a","/a"],"upstream_id":"u"})", "/uris", "invalid configuration: property \"uris\" validation failed: expected unique items", true);
    row("empty conf array", R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-post-req":{"conf":[]}}})",
        "/plugins/ext-plugin-post-req/conf", "failed to check the configuration of plugin ext-plugin-post-req err: property \"conf\" validation failed: expect array to have at least 1 items", true);
    row("conf name missing", R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-post-resp":{"conf":[{"value":"v"}]}}})",
        "/plugins/ext-plugin-post-resp/conf/0", "failed to check the configuration of plugin ext-plugin-post-resp err: property \"conf\" validation failed: failed to validate item 1: property \"name\" is required", true);
    row("conf value not string", R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-post-resp":{"conf":[{"name":"n","value":{"a":1}}]}}})",
        "/plugins/ext-plugin-post-resp/conf/0/value", "failed to check the configuration of plugin ext-plugin-post-resp err: property \"conf\" validation failed: failed to validate item 1: property \"value\" validation failed: wrong type: expected string, got table", true);
    row("conf name too long", (std::string(R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-post-resp":{"conf":[{"name":")") + std::string(129, 'n') + R"(","value":""}]}}})").c_str(),
        "/plugins/ext-plugin-post-resp/conf/0/name", "failed to check the configuration of plugin ext-plugin-post-resp err: property \"conf\" validation failed: failed to validate item 1: property \"name\" validation failed", true);
    row("allow_degradation not bool", R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-post-resp":{"allow_degradation":"yes"}}})",
        "/plugins/ext-plugin-post-resp/allow_degradation", "failed to check the configuration of plugin ext-plugin-post-resp err: property \"allow_degradation\" validation failed: wrong type: expected boolean, got string", true);
    row("a plugin not run is a warning", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-count":{"count":1,"time_window":60}}})",
        "/plugins/limit-count", "plugin \"limit-count\" is kept and exported but not run by RouteScope", false);
    // Plugins' confs against their schemas (pluginschemas.json), in the words of APISIX's tests.
    row("plugin-configs.t 6: limit-count without count", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-count":{"rejected_code":503,"time_window":60,"key":"remote_addr"}}})",
        "/plugins/limit-count", "failed to check the configuration of plugin limit-count err: value should match only one schema, but matches none", true);
    row("limit-count count 0", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-count":{"count":0,"time_window":60}}})",
        "/plugins/limit-count/count", "failed to check the configuration of plugin limit-count err: property \"count\" validation failed: value should match only one schema, but matches none", true);
    row("limit-count both forms", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-count":{"count":1,"time_window":60,"rules":[{"count":1,"time_window":1,"key":"k"}]}}})",
        "/plugins/limit-count", "failed to check the configuration of plugin limit-count err: count/time_window and rules cannot be specified at the same time", true);
    row("limit-count on redis without its host", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-count":{"count":1,"time_window":60,"policy":"redis"}}})",
        "/plugins/limit-count", "failed to check the configuration of plugin limit-count err: then clause did not match", true);
    row("limit-count-rules.t 2: a rule key twice", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-count":{"rules":[{"count":1,"time_window":1,"key":"${http_company}"},{"count":2,"time_window":2,"key":"${http_company}"}]}}})",
        "/plugins/limit-count/rules/1/key", "failed to check the configuration of plugin limit-count err: duplicate key '${http_company}' in rules", true);
    row("limit-count sync_interval past the window", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-count":{"count":1,"time_window":2,"policy":"redis","redis_host":"rh","sync_interval":3}}})",
        "/plugins/limit-count/sync_interval", "failed to check the configuration of plugin limit-count err: sync_interval should be smaller than time_window", true);
    row("limit-req rejected_code 600", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-req":{"rate":1,"burst":0,"key":"remote_addr","rejected_code":600}}})",
        "/plugins/limit-req/rejected_code", "failed to check the configuration of plugin limit-req err: property \"rejected_code\" validation failed: expected 600 to be at most 599", true);
    row("proxy-rewrite uri without its slash", R"({"uri":"/a","upstream_id":"u","plugins":{"proxy-rewrite":{"uri":"x"}}})",
        "/plugins/proxy-rewrite/uri", "failed to check the configuration of plugin proxy-rewrite err: property \"uri\" validation failed: failed to match pattern \"^\\/.*\" with \"x\"", true);
    row("proxy-rewrite empty", R"({"uri":"/a","upstream_id":"u","plugins":{"proxy-rewrite":{}}})",
        "/plugins/proxy-rewrite", "failed to check the configuration of plugin proxy-rewrite err: expect object to have at least 1 properties", true);
    row("ip-restriction bad address", R"({"uri":"/a","upstream_id":"u","plugins":{"ip-restriction":{"whitelist":["10.0.0.1","300.1.1.1"]}}})",
        "/plugins/ip-restriction/whitelist/1", "failed to check the configuration of plugin ip-restriction err: property \"whitelist\" validation failed: failed to validate item 2: object matches none of the required", true);
    row("ip-restriction both lists", R"({"uri":"/a","upstream_id":"u","plugins":{"ip-restriction":{"whitelist":["10.0.0.1"],"blacklist":["::1/128"]}}})",
        "/plugins/ip-restriction", "failed to check the configuration of plugin ip-restriction err: value should match only one schema, but matches both schemas 1 and 2", true);
    row("cors origins", R"({"uri":"/a","upstream_id":"u","plugins":{"cors":{"allow_origins":"example.com"}}})",
        "/plugins/cors/allow_origins", "failed to check the configuration of plugin cors err: property \"allow_origins\" validation failed: failed to match pattern", true);
    row("fault-injection.t 3: neither abort nor delay", R"({"uri":"/a","upstream_id":"u","plugins":{"fault-injection":{}}})",
        "/plugins/fault-injection", "failed to check the configuration of plugin fault-injection err: expect object to have at least 1 properties", true);
    row("response-rewrite body beside filters", R"({"uri":"/a","upstream_id":"u","plugins":{"response-rewrite":{"body":"x","filters":[{"regex":"a","replace":"b"}]}}})",
        "/plugins/response-rewrite", "failed to check the configuration of plugin response-rewrite err: failed to validate dependent schema for \"body\": value wasn't supposed to match schema", true);
    row("uri-blocker without rules", R"({"uri":"/a","upstream_id":"u","plugins":{"uri-blocker":{"rejected_code":403}}})",
        "/plugins/uri-blocker", "failed to check the configuration of plugin uri-blocker err: property \"block_rules\" is required", true);
    row("consumer-restriction without a list", R"({"uri":"/a","upstream_id":"u","plugins":{"consumer-restriction":{"type":"consumer_name"}}})",
        "/plugins/consumer-restriction", "failed to check the configuration of plugin consumer-restriction err: object matches none of the required: [\"blacklist\"] or [\"whitelist\"] or [\"allowed_by_methods\"]", true);
    row("key-auth realm with a quote", R"({"uri":"/a","upstream_id":"u","plugins":{"key-auth":{"realm":"a\"b"}}})",
        "/plugins/key-auth/realm", "failed to check the configuration of plugin key-auth err: property \"realm\" validation failed: failed to match pattern \"^[ -!#-[\\]-~]+$\" with \"a\"b\"", true);
    row("jwt-auth claims_to_verify", R"({"uri":"/a","upstream_id":"u","plugins":{"jwt-auth":{"claims_to_verify":["exp","iat"]}}})",
        "/plugins/jwt-auth/claims_to_verify/1", "failed to check the configuration of plugin jwt-auth err: property \"claims_to_verify\" validation failed: failed to validate item 2: matches none of the enum values", true);
    row("request-id range_id", R"({"uri":"/a","upstream_id":"u","plugins":{"request-id":{"algorithm":"range_id","range_id":{"length":4}}}})",
        "/plugins/request-id/range_id/length", "failed to check the configuration of plugin request-id err: property \"range_id\" validation failed: property \"length\" validation failed: expected 4 to be at least 6", true);
    row("cors.t 24: '*' with allow_credential", R"({"uri":"/a","upstream_id":"u","plugins":{"cors":{"allow_origins":"*","allow_credential":true}}})",
        "/plugins/cors", "failed to check the configuration of plugin cors err: you can not set '*' for other option when 'allow_credential' is true", true);
    row("redirect.t 48: http_to_https with append_query_string", R"({"uri":"/a","upstream_id":"u","plugins":{"redirect":{"http_to_https":true,"append_query_string":true}}})",
        "/plugins/redirect", "failed to check the configuration of plugin redirect err: only one of `http_to_https` and `append_query_string` can be configured.", true);
    row("uri-blocker.t 1: a rule that does not compile", R"({"uri":"/a","upstream_id":"u","plugins":{"uri-blocker":{"block_rules":["ok",".+("]}}})",
        "/plugins/uri-blocker/block_rules/1", "failed to check the configuration of plugin uri-blocker err: pcre_compile() failed: ", true);
    row("basic-auth.t 14: a conf that is not an object", R"({"uri":"/a","upstream_id":"u","plugins":{"basic-auth":"blah"}})",
        "/plugins/basic-auth", "invalid plugin conf \"blah\" for plugin [basic-auth]", true);
    row("proxy-rewrite.t 31: a header name with a colon", R"({"uri":"/a","upstream_id":"u","plugins":{"proxy-rewrite":{"uri":"/b","headers":{"X-Api:Version":"v2"}}}})",
        "/plugins/proxy-rewrite/headers/X-Api:Version", "failed to check the configuration of plugin proxy-rewrite err: invalid field character in header", true);
    row("proxy-rewrite.t 32: a header value with CRLF", R"({"uri":"/a","upstream_id":"u","plugins":{"proxy-rewrite":{"uri":"/b","headers":{"X-Api-Version":"v2\r\n"}}}})",
        "/plugins/proxy-rewrite/headers/X-Api-Version", "failed to check the configuration of plugin proxy-rewrite err: invalid value character in header", true);
    row("proxy-rewrite.t 27: a regex_uri that does not compile", R"x({"uri":"/a","upstream_id":"u","plugins":{"proxy-rewrite":{"regex_uri":["[^/test/(.*)","/$1"]}}})x",
        "/plugins/proxy-rewrite/regex_uri/0", "failed to check the configuration of plugin proxy-rewrite err: invalid regex_uri([^/test/(.*), /$1): ", true);
    row("api-breaker.t 5: break_response_code 199", R"({"uri":"/a","upstream_id":"u","plugins":{"api-breaker":{"break_response_code":199}}})",
        "/plugins/api-breaker/break_response_code", "failed to check the configuration of plugin api-breaker err: property \"break_response_code\" validation failed: expected 199 to be at least 200", true);
    row("api-breaker.t 8: a status twice", R"({"uri":"/a","upstream_id":"u","plugins":{"api-breaker":{"break_response_code":502,"healthy":{"http_statuses":[200,200]}}}})",
        "/plugins/api-breaker/healthy/http_statuses", "failed to check the configuration of plugin api-breaker err: property \"healthy\" validation failed: property \"http_statuses\" validation failed: expected unique items but items 1 and 2 are equal", true);
    row("acl.t 48: segmented_text without its separator (const in an if)", R"({"uri":"/a","upstream_id":"u","plugins":{"acl":{"allow_labels":{"team":["a"]},"external_user_label_field_parser":"segmented_text"}}})",
        "/plugins/acl", "failed to check the configuration of plugin acl err: allOf 1 failed: then clause did not match", true);
    row("acl with the json parser needs no separator", R"({"uri":"/a","upstream_id":"u","plugins":{"acl":{"allow_labels":{"team":["a"]},"external_user_label_field_parser":"json"}}})",
        "/plugins/acl", "plugin \"acl\" is kept", false);
    row("acl.t 53: a label field that is no JSONPath", R"({"uri":"/a","upstream_id":"u","plugins":{"acl":{"allow_labels":{"team":["a"]},"external_user_label_field":"$..([invalid"}}})",
        "/plugins/acl/external_user_label_field", "failed to check the configuration of plugin acl err: invalid external_user_label_field: invalid expression \"$..([invalid\" near \"..([invalid\"", true);
    row("multi-auth.t 9: an auth plugin's conf not an object", R"({"uri":"/a","upstream_id":"u","plugins":{"multi-auth":{"auth_plugins":[{"basic-auth":"x"},{"key-auth":{}}]}}})",
        "/plugins/multi-auth/auth_plugins/0/basic-auth", "failed to check the configuration of plugin multi-auth err: plugin basic-auth check schema failed: wrong type: expected object, got string", true);
    row("multi-auth with a plugin that is not auth", R"({"uri":"/a","upstream_id":"u","plugins":{"multi-auth":{"auth_plugins":[{"key-auth":{}},{"cors":{}}]}}})",
        "/plugins/multi-auth/auth_plugins/1/cors", "failed to check the configuration of plugin multi-auth err: cors plugin is not supported", true);
    row("multi-auth.t 18: one auth plugin", R"({"uri":"/a","upstream_id":"u","plugins":{"multi-auth":{"auth_plugins":[{"key-auth":{}}]}}})",
        "/plugins/multi-auth/auth_plugins", "failed to check the configuration of plugin multi-auth err: property \"auth_plugins\" validation failed: expect array to have at least 2 items", true);
    row("ua-restriction: a rule that does not compile", R"({"uri":"/a","upstream_id":"u","plugins":{"ua-restriction":{"denylist":["ok","(x"]}}})",
        "/plugins/ua-restriction/denylist/1", "failed to check the configuration of plugin ua-restriction err: pcre_compile() failed: ", true);
    row("request-validation.t 17: a body_schema of an unknown type", R"({"uri":"/a","upstream_id":"u","plugins":{"request-validation":{"body_schema":{"type":"test"}}}})",
        "/plugins/request-validation/body_schema", "failed to check the configuration of plugin request-validation err: invalid JSON type: test", true);
    row("request-validation.t 18: an enum that is no list", R"({"uri":"/a","upstream_id":"u","plugins":{"request-validation":{"body_schema":{"type":"object","properties":{"t":{"type":"string","enum":"x"}}}}}})",
        "/plugins/request-validation/body_schema", "failed to check the configuration of plugin request-validation err: bad argument #1 to 'ipairs' (table expected, got string)", true);
    row("request-validation.t 44: neither schema", R"({"uri":"/a","upstream_id":"u","plugins":{"request-validation":{"rejected_msg":"no"}}})",
        "/plugins/request-validation", "failed to check the configuration of plugin request-validation err: object matches none of the required: [\"header_schema\"] or [\"body_schema\"]", true);
    row("request-validation with a good schema", R"({"uri":"/a","upstream_id":"u","plugins":{"request-validation":{"header_schema":{"type":"object","required":["x"],"properties":{"x":{"type":"string","minLength":1}}}}}})",
        "/plugins/request-validation", "plugin \"request-validation\" is kept", false);
    row("jsonschema counts characters: 256 of them are not too long", (R"({"uri":"/a","upstream_id":"u","plugins":{"request-validation":{"body_schema":{},"rejected_msg":")" + QString(256, QChar(0x00e9)).toStdString() + R"("}}})").c_str(),
        "/plugins/request-validation", "plugin \"request-validation\" is kept", false);
    row("routes_request_body.t 10: a post_arg JSONPath that does not parse", R"({"uri":"/a","upstream_id":"u","vars":[[["post_arg.messages[.content[*].type","has","image_url"]]]})",
        "/vars", "failed to validate the 'vars' expression: invalid expression \"$.messages[.content[*].type\" near \"[.content[*].type\"", true);
    row("a post_arg JSONPath that parses", R"({"uri":"/a","upstream_id":"u","vars":[["post_arg.messages[*].content[?(@.type == 'image_url')]","has","x"]]})",
        "", "", false);
    // Every plugin's `_meta` (schema_def.lua plugin_injected_schema; t/plugin/plugin.t, t/misc/pre-function.t).
    row("plugin.t: _meta not an object", R"({"uri":"/a","upstream_id":"u","plugins":{"jwt-auth":{"_meta":false}}})",
        "/plugins/jwt-auth/_meta", "failed to check the configuration of plugin jwt-auth err: property \"_meta\" validation failed: wrong type: expected object, got boolean", true);
    row("plugin.t: _meta.error_response a number", R"({"uri":"/a","upstream_id":"u","plugins":{"jwt-auth":{"_meta":{"error_response":1}}}})",
        "/plugins/jwt-auth/_meta/error_response", "failed to check the configuration of plugin jwt-auth err: property \"_meta\" validation failed: property \"error_response\" validation failed: value should match only one schema, but matches none", true);
    row("pre-function.t 3: _meta of another name, on a plugin without a schema here", R"({"uri":"/a","upstream_id":"u","plugins":{"echo":{"_meta":{"prefunction":"x"}}}})",
        "/plugins/echo/_meta", "failed to check the configuration of plugin echo err: property \"_meta\" validation failed: additional properties forbidden, found prefunction", true);
    row("plugin.t: _meta.filter that does not compile", R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-pre-req":{"_meta":{"filter":["arg_k","==","v"]}}}})",
        "/plugins/ext-plugin-pre-req/_meta/filter", "failed to validate the 'vars' expression: rule should be wrapped inside brackets", true);
    row("an ext plugin's _meta filter that compiles", R"({"uri":"/a","upstream_id":"u","plugins":{"ext-plugin-pre-req":{"_meta":{"filter":[["arg_k","==","v"]],"error_response":{"m":"no"}}}}})",
        "", "", false);
    row("a disabled plugin's conf is kept whatever its check says", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-req":{"rate":-1,"_meta":{"disable":true}}}})",
        "/plugins/limit-req", "plugin \"limit-req\" is disabled (_meta.disable), so APISIX keeps it without refusing its conf: failed to check the configuration of plugin limit-req err: ", false);
    // Lua, compiled by LuaJIT as APISIX's loadstring compiles it (never run).
    row("routes3.t 18: a filter_func that does not compile", R"({"uri":"/a","upstream_id":"u","filter_func":"function(vars) "})",
        "/filter_func", "failed to load 'filter_func' string: [string \"return function(vars) \"]:1: 'end' expected near '<eof>'", true);
    row("a filter_func that is no function", R"({"uri":"/a","upstream_id":"u","filter_func":"return true or false"})",
        "/filter_func", "invalid configuration: property \"filter_func\" validation failed: failed to match pattern \"^function\" with \"return true or false\"", true);
    row("a filter_func that compiles", R"({"uri":"/a","upstream_id":"u","filter_func":"function(vars) return vars.arg_k == 'v' end"})",
        "/filter_func", "\"filter_func\" is kept and exported but not run by RouteScope", false);
    row("a script that does not compile", R"({"uri":"/a","upstream_id":"u","script":"local _M = { return _M"})",
        "/script", "failed to load 'script' string: [string \"local _M = { return _M\"]:1: ", true);
    row("pre-function.t 1: a _meta.pre_function that does not compile", R"({"uri":"/a","upstream_id":"u","plugins":{"limit-count":{"count":1,"time_window":60,"_meta":{"pre_function":"not a function"}}}})",
        "/plugins/limit-count/_meta/pre_function", "failed to load _meta.pre_function in plugin limit-count: [string \"meta pre_function\"]:1: unexpected symbol near 'not'", true);
    row("serverless-pre-function.t: a function that does not compile", R"({"uri":"/a","upstream_id":"u","plugins":{"serverless-pre-function":{"functions":["return function() end","a b"]}}})",
        "/plugins/serverless-pre-function/functions/1", "failed to check the configuration of plugin serverless-pre-function err: failed to loadstring: [string \"a b\"]:1: '=' expected near 'b'", true);
    row("serverless-post-function without functions", R"({"uri":"/a","upstream_id":"u","plugins":{"serverless-post-function":{"phase":"access"}}})",
        "/plugins/serverless-post-function", "failed to check the configuration of plugin serverless-post-function err: property \"functions\" is required", true);
    row("traffic-split: an inline upstream's node port", R"({"uri":"/a","upstream_id":"u","plugins":{"traffic-split":{"rules":[{"weighted_upstreams":[{"weight":1},{"upstream":{"nodes":{"127.0.0.1:99999":1}},"weight":2}]}]}}})",
        "/plugins/traffic-split/rules/0/weighted_upstreams/1/upstream/nodes", "failed to check the configuration of plugin traffic-split err: property \"rules\" validation failed: failed to validate item 1: property \"weighted_upstreams\" validation failed: failed to validate item 2: property \"upstream\" validation failed: ", true);
    row("traffic-split: match vars that do not compile", R"({"uri":"/a","upstream_id":"u","plugins":{"traffic-split":{"rules":[{"match":[{"vars":[["arg_a","is","1"]]}],"weighted_upstreams":[{"upstream_id":"u","weight":1}]}]}}})",
        "/plugins/traffic-split/rules/0/match/0/vars", "failed to check the configuration of plugin traffic-split err: failed to validate the 'vars' expression: invalid operator 'is'", true);
    row("traffic-split: a weight below 0", R"({"uri":"/a","upstream_id":"u","plugins":{"traffic-split":{"rules":[{"weighted_upstreams":[{"upstream_id":"u","weight":-1}]}]}}})",
        "/plugins/traffic-split/rules/0/weighted_upstreams/0/weight", "failed to check the configuration of plugin traffic-split err: property \"rules\" validation failed: failed to validate item 1: property \"weighted_upstreams\" validation failed: failed to validate item 1: property \"weight\" validation failed: expected -1 to be at least 0", true);
    row("proxy-mirror: a host without its scheme", R"({"uri":"/a","upstream_id":"u","plugins":{"proxy-mirror":{"host":"127.0.0.1:1986"}}})",
        "/plugins/proxy-mirror/host", "failed to check the configuration of plugin proxy-mirror err: property \"host\" validation failed: failed to match pattern", true);
    row("referer-restriction: both lists", R"({"uri":"/a","upstream_id":"u","plugins":{"referer-restriction":{"whitelist":["*.a.com"],"blacklist":["b.com"]}}})",
        "/plugins/referer-restriction", "failed to check the configuration of plugin referer-restriction err: value should match only one schema, but matches both schemas 1 and 2", true);
    row("gzip: comp_level 10", R"({"uri":"/a","upstream_id":"u","plugins":{"gzip":{"comp_level":10}}})",
        "/plugins/gzip/comp_level", "failed to check the configuration of plugin gzip err: property \"comp_level\" validation failed: expected 10 to be at most 9", true);
    row("real-ip without its source", R"({"uri":"/a","upstream_id":"u","plugins":{"real-ip":{"recursive":true}}})",
        "/plugins/real-ip", "failed to check the configuration of plugin real-ip err: property \"source\" is required", true);
    row("echo with nothing to say", R"({"uri":"/a","upstream_id":"u","plugins":{"echo":{"headers":{"a":"b"}}}})",
        "/plugins/echo", "failed to check the configuration of plugin echo err: object matches none of the required: [\"before_body\"] or [\"body\"] or [\"after_body\"]", true);
    row("http-logger: a uri without its scheme", R"({"uri":"/a","upstream_id":"u","plugins":{"http-logger":{"uri":"127.0.0.1:1982/log"}}})",
        "/plugins/http-logger/uri", "failed to check the configuration of plugin http-logger err: property \"uri\" validation failed: failed to match pattern", true);
    row("http-logger: the batch processor's fields", R"({"uri":"/a","upstream_id":"u","plugins":{"http-logger":{"uri":"http://127.0.0.1:1982/log","batch_max_size":0}}})",
        "/plugins/http-logger/batch_max_size", "failed to check the configuration of plugin http-logger err: property \"batch_max_size\" validation failed: expected 0 to be at least 1", true);
    row("http-logger: an include_req_body_expr that does not compile", R"({"uri":"/a","upstream_id":"u","plugins":{"http-logger":{"uri":"http://127.0.0.1:1982/log","include_req_body_expr":[["arg_a","is","1"]]}}})",
        "/plugins/http-logger/include_req_body_expr", "failed to check the configuration of plugin http-logger err: failed to validate the 'include_req_body_expr' expression: invalid operator 'is'", true);
    row("forward-auth without its uri", R"({"uri":"/a","upstream_id":"u","plugins":{"forward-auth":{"request_method":"GET"}}})",
        "/plugins/forward-auth", "failed to check the configuration of plugin forward-auth err: property \"uri\" is required", true);
    row("proxy-cache is one of APISIX's plugins", R"({"uri":"/a","upstream_id":"u","plugins":{"proxy-cache":{}}})",
        "/plugins/proxy-cache", "plugin \"proxy-cache\" is kept", false);
    row("a plugin APISIX ships but does not enable by default", R"({"uri":"/a","upstream_id":"u","plugins":{"opentelemetry":{}}})",
        "/plugins/opentelemetry", "APISIX ships \"opentelemetry\" but its default config.yaml does not enable it: production answers \"unknown plugin [opentelemetry]\"", false);
    row("a remote_addr the ip_def pattern takes that is no address", R"({"uri":"/a","upstream_id":"u","remote_addr":":/8"})",
        "/remote_addr", "\":/8\" is no address or CIDR: APISIX's schema takes it", false);
    row("file-logger: a match that does not compile (before the schema)", R"({"uri":"/a","upstream_id":"u","plugins":{"file-logger":{"path":1,"match":[["arg_a","is","1"]]}}})",
        "/plugins/file-logger/match", "failed to check the configuration of plugin file-logger err: failed to validate the 'match' expression: invalid operator 'is'", true);
    row("tcp-logger without its port", R"({"uri":"/a","upstream_id":"u","plugins":{"tcp-logger":{"host":"127.0.0.1"}}})",
        "/plugins/tcp-logger", "failed to check the configuration of plugin tcp-logger err: property \"port\" is required", true);
    row("udp-logger: the body logging fields", R"({"uri":"/a","upstream_id":"u","plugins":{"udp-logger":{"host":"127.0.0.1","port":3000,"max_req_body_bytes":0}}})",
        "/plugins/udp-logger/max_req_body_bytes", "failed to check the configuration of plugin udp-logger err: property \"max_req_body_bytes\" validation failed: expected 0 to be at least 1", true);
    row("zipkin without its sample_ratio", R"({"uri":"/a","upstream_id":"u","plugins":{"zipkin":{"endpoint":"http://127.0.0.1:9999/mock_zipkin"}}})",
        "/plugins/zipkin", "failed to check the configuration of plugin zipkin err: property \"sample_ratio\" is required", true);
    row("mocking: a content type it cannot mock", R"({"uri":"/a","upstream_id":"u","plugins":{"mocking":{"response_example":"x","content_type":"image/png"}}})",
        "/plugins/mocking/content_type", "failed to check the configuration of plugin mocking err: unsupported content type!", true);
    row("mocking: its default content type", R"({"uri":"/a","upstream_id":"u","plugins":{"mocking":{"response_example":"{}"}}})",
        "/plugins/mocking", "plugin \"mocking\" is kept", false);
    row("proxy-rewrite.t 28: a replacement template that does not compile", R"x({"uri":"/a","upstream_id":"u","plugins":{"proxy-rewrite":{"regex_uri":["^/test/(.*)","/$`1"]}}})x",
        "/plugins/proxy-rewrite/regex_uri/1", "failed to check the configuration of plugin proxy-rewrite err: invalid regex_uri(^/test/(.*), /$`1): failed to compile the replacement template", true);
    row("grpc-transcode.t 19: without its method", R"({"uri":"/a","upstream_id":"u","plugins":{"grpc-transcode":{"proto_id":"1","service":"helloworld.Greeter"}}})",
        "/plugins/grpc-transcode", "failed to check the configuration of plugin grpc-transcode err: property \"method\" is required", true);
    row("hmac-auth.t 27: no allowed algorithms", R"({"uri":"/a","upstream_id":"u","plugins":{"hmac-auth":{"allowed_algorithms":[]}}})",
        "/plugins/hmac-auth/allowed_algorithms", "failed to check the configuration of plugin hmac-auth err: property \"allowed_algorithms\" validation failed: expect array to have at least 1 items", true);
    row("ai-prompt-decorator.t 8: neither append nor prepend", R"({"uri":"/a","upstream_id":"u","plugins":{"ai-prompt-decorator":{}}})",
        "/plugins/ai-prompt-decorator", "failed to check the configuration of plugin ai-prompt-decorator err: object matches none of the required", true);
    row("ai-prompt-guard.t 1: a pattern that does not compile", R"({"uri":"/a","upstream_id":"u","plugins":{"ai-prompt-guard":{"deny_patterns":["(abc"]}}})",
        "/plugins/ai-prompt-guard/deny_patterns/0", "failed to check the configuration of plugin ai-prompt-guard err: invalid deny_pattern: (abc", true);
    row("ai-prompt-template.t 2: no templates", R"({"uri":"/a","upstream_id":"u","plugins":{"ai-prompt-template":{"templates":[]}}})",
        "/plugins/ai-prompt-template/templates", "failed to check the configuration of plugin ai-prompt-template err: property \"templates\" validation failed: expect array to have at least 1 items", true);
    row("cors fine", R"({"uri":"/a","upstream_id":"u","plugins":{"cors":{"allow_origins":"https://a.example,http://b.example","max_age":60,"allow_origins_by_regex":[".*\\.test\\.com$"]}}})",
        "/plugins/cors", "plugin \"cors\" is kept", false);
    row("post-resp with proxy-mirror", R"({"uri":"/a","upstream_id":"u","plugins":{"proxy-mirror":{"host":"http://127.0.0.1:1986"},"ext-plugin-post-resp":{}}})",
        "/plugins/proxy-mirror", "plugin \"proxy-mirror\" is kept", false);
    row("bad host", R"({"uri":"/a","upstream_id":"u","host":"a b"})", "/host", "invalid configuration: property \"host\" validation failed: failed to match pattern", true);
    row("bad cidr", R"({"uri":"/a","upstream_id":"u","remote_addrs":["10.0.0.0/99"]})", "/remote_addrs", "invalid configuration: property \"remote_addrs\" validation failed: failed to validate item 1", true);
    row("status 2", R"({"uri":"/a","upstream_id":"u","status":2})", "/status", "invalid configuration: property \"status\" validation failed: expected 2 to be at most 1", true);
    row("priority float", R"({"uri":"/a","upstream_id":"u","priority":1.5})", "/priority", "invalid configuration: property \"priority\" validation failed: wrong type: expected integer, got number", true);
    row("labels non-string", R"({"uri":"/a","upstream_id":"u","labels":{"v":1}})", "/labels", "invalid configuration: property \"labels\" validation failed", true);
    row("unknown upstream id", R"({"uri":"/a","upstream_id":"nope"})", "/upstream_id", "failed to fetch upstream info by upstream id [nope]", true);
    row("vars not an array", R"({"uri":"/a","upstream_id":"u","vars":{"a":1}})", "/vars", "invalid configuration: property \"vars\" validation failed: wrong type: expected array, got table", true);
    row("vars that do not compile", R"({"uri":"/a","upstream_id":"u","vars":[["arg_a","is","1"]]})", "/vars", "failed to validate the 'vars' expression: invalid operator 'is'", true);
    row("vars run", R"({"uri":"/a","upstream_id":"u","vars":[["arg_a","==","1"]]})", "", "", false);
    // apisix/admin/routes.lua check_conf (t/admin/routes.t: "failed to fetch service info by service id [...]")
    row("missing service", R"({"uri":"/a","upstream_id":"u","service_id":"s"})", "/service_id", "failed to fetch service info by service id [s], response code: 404", true);
    row("missing plugin config", R"({"uri":"/a","upstream_id":"u","plugin_config_id":"p"})", "/plugin_config_id", "failed to fetch plugin config info by plugin config id [p], response code: 404", true);
    row("service_id as an object", R"({"uri":"/a","service_id":{}})", "/service_id", "invalid configuration: property \"service_id\" validation failed: object matches none of the required", true);
    // APISIX's own cases (t/admin/routes*.t) and its schema_def.lua / admin/routes.lua rules, in its words.
    row("routes3.t: host and hosts", R"({"uri":"/a","upstream_id":"u","host":"xxx.com","hosts":["foo.com"]})", "/hosts", "only one of host or hosts is allowed", true);
    row("routes2.t: remote_addr and remote_addrs", R"({"uri":"/a","upstream_id":"u","remote_addr":"127.0.0.1","remote_addrs":["127.0.0.1"]})",
        "/remote_addrs", "only one of remote_addr or remote_addrs is allowed", true);
    row("routes3.t: remote_addr 127.0.0.33333", R"({"uri":"/a","upstream_id":"u","remote_addr":"127.0.0.33333"})", "/remote_addr",
        "invalid configuration: property \"remote_addr\" validation failed: object matches none of the required", true);
    row("remote_addrs /16", R"({"uri":"/a","upstream_id":"u","remote_addrs":["/16"]})", "/remote_addrs",
        "invalid configuration: property \"remote_addrs\" validation failed: failed to validate item 1: object matches none of the required", true);
    row("nothing to do with a match", R"({"uri":"/a"})", "",
        "invalid configuration: object matches none of the required: [\"plugins\",\"uri\"] or [\"upstream\",\"uri\"]", true);
    row("a method twice", R"({"uri":"/a","upstream_id":"u","methods":["GET","POST","GET"]})", "/methods",
        "invalid configuration: property \"methods\" validation failed: expected unique items but items 1 and 3 are equal", true);
    row("routes2.t 13: uri and uris", R"({"uri":"/a","uris":["/b"],"upstream_id":"u"})", "",
        "invalid configuration: allOf 1 failed: value should match only one schema, but matches both schemas 1 and 2", true);
    row("neither uri nor uris", R"({"upstream_id":"u"})", "", "invalid configuration: allOf 1 failed: value should match only one schema, but matches none", true);
    row("routes4.t 17: script beside plugins", R"({"uri":"/a","upstream_id":"u","script":"local _M = {} return _M","plugins":{"cors":{}}})", "",
        "invalid configuration: value wasn't supposed to match schema", true);
    row("unknown plugin", R"({"uri":"/a","upstream_id":"u","plugins":{"my-lua-plugin":{}}})", "/plugins/my-lua-plugin", "unknown plugin [my-lua-plugin]", true);
    row("every plugin APISIX ships is known", R"({"uri":"/a","upstream_id":"u","plugins":{"log-rotate":{},"ai":{}}})", "/plugins/ai", "plugin \"ai\" is kept", false);
    row("plugins alone are enough", R"({"uri":"/a","plugins":{"cors":{}}})", "/plugins/cors", "plugin \"cors\" is kept", false);
    row("uri without its slash", R"({"uri":"index.html","upstream_id":"u"})", "/uri", "a uri without a leading \"/\" never matches", false);
    row("routes4.t 21: label value an array", R"({"uri":"/a","upstream_id":"u","labels":{"env":["production","release"]}})", "/labels",
        "invalid configuration: property \"labels\" validation failed: failed to validate env (matching \".*\"): wrong type: expected string, got table", true);
    row("label value with a space", R"({"uri":"/a","upstream_id":"u","labels":{"env":"a b"}})", "/labels",
        "invalid configuration: property \"labels\" validation failed: failed to validate env (matching \".*\"): failed to match pattern \"^\\\\S+$\" with \"a b\"", true);
    row("host *", R"({"uri":"/a","upstream_id":"u","host":"*"})", "", "", false);
    row("name of 256", (std::string(R"({"uri":"/a","upstream_id":"u","name":")") + std::string(256, 'n') + R"("})").c_str(), "", "", false);
    row("routes4.t 6: inline chash without key", R"({"uri":"/a","upstream":{"type":"chash","nodes":{"127.0.0.1:1":1}}})", "/upstream", "missing key", true);
    row("inline IPv6 host", R"({"uri":"/a","upstream":{"nodes":[{"host":"::1","port":80,"weight":1}]}})", "/upstream",
        "invalid configuration: IPv6 address must be enclosed with '[' and ']'", true);
    row("inline upstream problem has nested pointer", R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":-1}}})", "/upstream/nodes",
        "invalid configuration: property \"upstream\" validation failed: property \"nodes\" validation failed", true);
}

void TestValidator::routes()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, pointer);
    QFETCH(QString, message);
    QFETCH(bool, error);
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    QVERIFY(!o.isEmpty());
    const Problems problems = Validator::validateRoute(o, [](ResourceKind kind, const QString &id) { return kind == ResourceKind::Upstream && id == QLatin1String("u"); });
    QCOMPARE(hasErrors(problems), error);
    if (message.isEmpty() && pointer.isEmpty()) {
        QVERIFY2(problems.isEmpty(), qPrintable(problems.value(0).message));
        return;
    }
    QVERIFY(!problems.isEmpty());
    // The first error when there is one (warnings of fields kept but not run may come before it).
    const Problem first = *std::find_if(problems.begin(), problems.end(), [&](const Problem &p) { return p.isError() == error; });
    QCOMPARE(first.pointer, pointer);
    QVERIFY2(first.message.startsWith(message), qPrintable(first.message));
    if (QByteArray(QTest::currentDataTag()) == "post-resp with proxy-mirror")
        QCOMPARE(problems.last(), (Problem{Problem::Severity::Warning, QStringLiteral("/plugins/ext-plugin-post-resp"),
                                            QStringLiteral("ext-plugin-post-resp cannot be combined with proxy-mirror in APISIX")}));
}

void TestValidator::jsonPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("problem"); // empty: it parses
    for (const char *good : {"groups", "$", "$.a.b", "$..author", "$.store.book[0].title", "$['store']", "$.a[1:3]", "$.a[:2]",
                             "$.a[-1:]", "$.a[0,1]", "$.a[*]", "$..[0]", "$.a[?(@.price < 10)]", "$.a[(@.length-1)]",
                             "$.x[?(@.a && @.b)]", "$.x[?(@['a b'] == \"c\")]", " $.a ", "$.*", "$.a[?(@.n == 0x1F)]"})
        QTest::newRow(good) << QString::fromUtf8(good) << QString();
    const auto bad = [](const char *path, const char *problem) { QTest::newRow(path) << QString::fromUtf8(path) << QString::fromUtf8(problem); };
    bad("", "invalid expression \"\"");
    bad(".a", "invalid expression \".a\"");
    bad("$..([invalid", "invalid expression \"$..([invalid\" near \"..([invalid\"");
    bad("$.a[", "invalid expression \"$.a[\" near \"[\"");
    bad("$.a]", "invalid expression \"$.a]\" near \"]\"");
    bad("$.a[?(@.b ==)]", "invalid expression \"$.a[?(@.b ==)]\" near \"[?(@.b ==)]\"");
    bad("$.a[?(@.length.x)]", "invalid expression \"$.a[?(@.length.x)]\" near \"[?(@.length.x)]\"");
    bad("$$", "invalid expression \"$$\" near \"$\"");
    bad("a b", "invalid expression \"a b\" near \"b\"");
}

// As lua-jsonpath 1.0's PEG grammar parses them (APISIX's `jsonpath` module).
void TestValidator::jsonPaths()
{
    QFETCH(QString, path);
    QFETCH(QString, problem);
    QCOMPARE(jsonPathProblem(path), problem);
}

// What ngx.re.sub logs of a template it cannot compile (lua-nginx-module's t/036-sub.t cases).
void TestValidator::replacementTemplates()
{
    const auto problem = [](const char *tpl) {
        const QJsonObject route{{"uri", "/a"}, {"plugins", QJsonObject{{"proxy-rewrite", QJsonObject{{"regex_uri", QJsonArray{QStringLiteral("^/(.*)"), QString::fromUtf8(tpl)}}}}}}};
        const Problems problems = Validator::validateRoute(route, {});
        return hasErrors(problems) ? problems.first().hint : QString();
    };
    QCOMPARE(problem("/$1/${2}/$$/x"), QString());
    QCOMPARE(problem("[$0] [${134"), QStringLiteral("the closing bracket in \"134\" variable is missing"));
    QCOMPARE(problem("[$0] [${"), QStringLiteral("lua script: invalid capturing variable name found in \"[$0] [${\""));
    QCOMPARE(problem("[$1] [$"), QStringLiteral("lua script: invalid capturing variable name found in \"[$1] [$\""));
    QCOMPARE(problem("[$1] [$hello]"), QStringLiteral("attempt to use named capturing variable \"hello\" (named captures not supported yet)"));
    QCOMPARE(problem("/$`1"), QStringLiteral("lua script: invalid capturing variable name found in \"/$`1\""));
}

void TestValidator::customPluginsAreKnown()
{
    // A name the user's config.yaml enables (the workspace's "apisix.plugins") is kept, with the usual warning.
    const QJsonObject route = QJsonDocument::fromJson(R"({"uri":"/a","upstream_id":"u","plugins":{"my-lua-plugin":{"x":1}}})").object();
    const auto exists = [](ResourceKind, const QString &id) { return id == QLatin1String("u"); };
    QVERIFY(hasErrors(Validator::validateRoute(route, exists)));
    const Problems problems = Validator::validateRoute(route, exists, {QStringLiteral("my-lua-plugin")});
    QVERIFY(!hasErrors(problems));
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems.first().message.startsWith("plugin \"my-lua-plugin\" is kept"));
    // One APISIX ships but does not enable by default: listed there, it is enabled as production's is.
    const QJsonObject traced = QJsonDocument::fromJson(R"({"uri":"/a","upstream_id":"u","plugins":{"opentelemetry":{}}})").object();
    QCOMPARE(Validator::validateRoute(traced, exists).size(), 2);
    const Problems listed = Validator::validateRoute(traced, exists, {QStringLiteral("opentelemetry")});
    QCOMPARE(listed.size(), 1);
    QVERIFY(listed.first().message.startsWith("plugin \"opentelemetry\" is kept"));
}

void TestValidator::upstreams_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message"); // first error; empty: valid
    QTest::newRow("object nodes") << QByteArray(R"({"type":"roundrobin","nodes":{"127.0.0.1:80":1,"[::1]:81":2}})") << QString();
    QTest::newRow("array nodes") << QByteArray(R"({"nodes":[{"host":"127.0.0.1","port":80,"weight":1}]})") << QString();
    QTest::newRow("chash") << QByteArray(R"({"type":"chash","hash_on":"header","key":"X-User","nodes":{"a:1":1}})") << QString();
    QTest::newRow("everything") << QByteArray(R"({"nodes":{"a:1":1},"scheme":"https","pass_host":"rewrite","upstream_host":"x.y","timeout":{"connect":1,"send":2,"read":3},"retries":2,"retry_timeout":5,"keepalive_pool":{"size":10,"idle_timeout":5,"requests":100},"name":"n","desc":"d","labels":{"a":"b"}})") << QString();
    QTest::newRow("no nodes") << QByteArray(R"({"type":"roundrobin"})") << QStringLiteral("invalid configuration: property \"nodes\" is required");
    QTest::newRow("type any string") << QByteArray(R"({"type":"random","nodes":{"a:1":1}})") << QString(); // a warning: 500 at run time
    QTest::newRow("type not a string") << QByteArray(R"({"type":1,"nodes":{"a:1":1}})") << QStringLiteral("invalid configuration: property \"type\" validation failed: wrong type: expected string, got number");
    QTest::newRow("upstream.t 23: IPv6 host without brackets") << QByteArray(R"({"nodes":[{"host":"::1","port":80,"weight":1}],"type":"roundrobin"})")
        << QStringLiteral("invalid configuration: IPv6 address must be enclosed with '[' and ']'");
    QTest::newRow("IPv6 host in brackets") << QByteArray(R"({"nodes":[{"host":"[::1]","port":80,"weight":1}]})") << QString();
    QTest::newRow("chash on the consumer needs no key") << QByteArray(R"({"type":"chash","hash_on":"consumer","nodes":{"a:1":1}})") << QString();
    QTest::newRow("chash vars key") << QByteArray(R"({"type":"chash","hash_on":"vars","key":"arg_user","nodes":{"a:1":1}})") << QString();
    QTest::newRow("chash vars key unknown") << QByteArray(R"({"type":"chash","key":"http_x","nodes":{"a:1":1}})")
        << QStringLiteral("invalid configuration: failed to match pattern \"^((uri|server_name|server_addr|request_uri|remote_port|remote_addr|query_string|host|hostname|mqtt_client_id)|arg_[0-9a-zA-z_-]+)$\" with \"http_x\"");
    QTest::newRow("chash header key with a space") << QByteArray(R"({"type":"chash","hash_on":"header","key":"X User","nodes":{"a:1":1}})")
        << QStringLiteral("invalid configuration: failed to match pattern \"^[a-zA-Z0-9-_]+$\" with \"X User\"");
    QTest::newRow("routes4.t 6: chash without key") << QByteArray(R"({"type":"chash","nodes":{"a:1":1}})") << QStringLiteral("missing key");
    QTest::newRow("retry_timeout -1") << QByteArray(R"({"nodes":{"a:1":1},"retry_timeout":-1})") << QStringLiteral("invalid configuration: property \"retry_timeout\" validation failed: expected -1 to be at least 0");
    QTest::newRow("idle_timeout -1") << QByteArray(R"({"nodes":{"a:1":1},"keepalive_pool":{"idle_timeout":-1}})")
        << QStringLiteral("invalid configuration: property \"keepalive_pool\" validation failed: property \"idle_timeout\" validation failed: expected -1 to be at least 0");
    QTest::newRow("invalid-port.t 2: hash-form port above 65535") << QByteArray(R"({"nodes":{"a:65536":1}})") << QStringLiteral("invalid port 65536");
    QTest::newRow("invalid-port.t 3: hash-form port 0") << QByteArray(R"({"nodes":{"a:0":1}})") << QStringLiteral("invalid port 0");
    QTest::newRow("upstream.t 15: negative weight") << QByteArray(R"({"nodes":{"a:1":-100}})") << QStringLiteral("invalid configuration: property \"nodes\" validation failed: object matches none of the required");
    QTest::newRow("array node without host") << QByteArray(R"({"nodes":[{"port":1,"weight":1}]})") << QStringLiteral("invalid configuration: property \"nodes\" validation failed: object matches none of the required");
    QTest::newRow("upstream-array-nodes.t 13: bad host before chash's key") << QByteArray(R"({"nodes":[{"host":"127.#.%.1","port":8080,"weight":1}],"type":"chash"})")
        << QStringLiteral("invalid configuration: property \"nodes\" validation failed: object matches none of the required");
    QTest::newRow("rewrite without host") << QByteArray(R"({"nodes":{"a:1":1},"pass_host":"rewrite"})") << QStringLiteral("invalid configuration: property \"upstream_host\" is required when \"pass_host\" is \"rewrite\"");
    QTest::newRow("upstream5.t 1: scheme kafka") << QByteArray(R"({"nodes":{"a:1":1},"scheme":"kafka"})") << QString(); // a warning: not reached here
    QTest::newRow("scheme ftp") << QByteArray(R"({"nodes":{"a:1":1},"scheme":"ftp"})") << QStringLiteral("invalid configuration: property \"scheme\" validation failed: matches none of the enum values");
    QTest::newRow("healthcheck-passive-resty-events.t 3: passive checks alone") << QByteArray(R"({"nodes":{"a:1":1},"checks":{"passive":{"healthy":{"successes":1}}}})")
        << QStringLiteral("invalid configuration: property \"checks\" validation failed: object matches none of the required: [\"active\"] or [\"active\",\"passive\"]");
    QTest::newRow("healthcheck.t 16: active port 0") << QByteArray(R"({"nodes":{"a:1":1},"checks":{"active":{"port":0}}})")
        << QStringLiteral("invalid configuration: property \"checks\" validation failed: property \"active\" validation failed: property \"port\" validation failed: expected 0 to be at least 1");
    QTest::newRow("unhealthy status 600") << QByteArray(R"({"nodes":{"a:1":1},"checks":{"active":{"unhealthy":{"http_statuses":[500,600]}}}})")
        << QStringLiteral("invalid configuration: property \"checks\" validation failed: property \"active\" validation failed: property \"unhealthy\" validation failed: property \"http_statuses\" validation failed: failed to validate item 2: expected 600 to be at most 599");
    QTest::newRow("passive successes 0") << QByteArray(R"({"nodes":{"a:1":1},"checks":{"active":{"http_path":"/ping","healthy":{"interval":2,"successes":1}},"passive":{"healthy":{"successes":0},"unhealthy":{"http_failures":3}}}})") << QString();
    QTest::newRow("negative retries") << QByteArray(R"({"nodes":{"a:1":1},"retries":-1})") << QStringLiteral("invalid configuration: property \"retries\" validation failed: expected -1 to be at least 0");
    QTest::newRow("zero timeout") << QByteArray(R"({"nodes":{"a:1":1},"timeout":{"connect":0,"send":1,"read":1}})") << QStringLiteral("invalid configuration: property \"timeout\" validation failed: property \"connect\" validation failed: expected 0 to be greater than 0");
}

void TestValidator::upstreams()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const Problems problems = Validator::validateUpstream(QJsonDocument::fromJson(json).object());
    QVERIFY2(firstErrorMessage(problems).startsWith(message), qPrintable(firstErrorMessage(problems)));
    QCOMPARE(hasErrors(problems), !message.isEmpty());
}

void TestValidator::nodesHint()
{
    // APISIX answers its schema checker's summary; the editor and `validate` say which node and why.
    const Problems problems = Validator::validateUpstream(QJsonDocument::fromJson(R"({"nodes":[{"host":"a","port":1,"weight":1},{"host":"b","port":70000,"weight":1}]})").object());
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems[0].message, QStringLiteral("invalid configuration: property \"nodes\" validation failed: object matches none of the required"));
    QCOMPARE(problems[0].pointer, QStringLiteral("/nodes"));
    QCOMPARE(problems[0].shown(), problems[0].message + QStringLiteral(" (node 2: \"port\" must be an integer from 1 to 65535)"));
}

QTEST_GUILESS_MAIN(TestValidator)
#include "tst_validator.moc"
