#include "router.h"
#include "configstore.h"

#include <QJsonArray>
#include <QRandomGenerator>

#include <QJsonDocument>
#include <QTest>

class TestRouter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void precedence_data();
    void precedence();
    void hostWildcards_data();
    void hostWildcards();
    void varsAsLuaRestyExpr_data();
    void varsAsLuaRestyExpr();
    void varsCompileErrors_data();
    void varsCompileErrors();
    void varsTakePartInRouting();
    void explainsEveryRoute();
    void oneRouteChangesMatchAFullBuild();
};

namespace {
// Routes given as {id: route json}, created in the order listed.
Router build(const QList<std::pair<QString, QByteArray>> &routes)
{
    QList<std::shared_ptr<const CompiledRoute>> compiled;
    qint64 order = 0;
    for (const auto &[id, json] : routes) {
        ++order;
        compiled.append(compileRoute(id, QJsonDocument::fromJson(json).object(), RouteSource{1, order}, nullptr));
    }
    return Router(compiled);
}

const QList<std::pair<QString, QByteArray>> &table()
{
    static const QList<std::pair<QString, QByteArray>> routes = {
        {"prefix-all", R"({"uri":"/*"})"},
        {"prefix-api", R"({"uri":"/api/*"})"},
        {"prefix-api-v1", R"({"uri":"/api/v1/*"})"},
        {"exact-api-users", R"({"uri":"/api/users"})"},
        {"exact-users-post", R"({"uri":"/api/users","methods":["POST"],"priority":10})"},
        {"low-prio", R"({"uri":"/same","priority":-1})"},
        {"high-prio", R"({"uri":"/same","priority":5})"},
        {"first-equal", R"({"uri":"/tie"})"},
        {"second-equal", R"({"uri":"/tie"})"},
        {"host-only", R"({"uri":"/h","host":"a.example.com"})"},
        {"hosts-wild", R"({"uri":"/h","hosts":["*.example.org"]})"},
        {"h-fallback", R"({"uri":"/h*","priority":-5})"},
        {"lan-only", R"({"uri":"/lan","remote_addrs":["10.0.0.0/8","192.168.1.7"]})"},
        {"disabled", R"({"uri":"/off","status":0})"},
        {"uris-many", R"({"uris":["/m1","/m2/*"]})"},
        {"bare-star", R"({"uri":"/foo*"})"},
        // radixtree_host_uri: a host's routes before the host-less ones, the exact host before a wildcard.
        {"deep-any-host", R"({"uri":"/svc/v1/*"})"},
        {"svc-on-host", R"({"uri":"/svc/*","host":"svc.example.com"})"},
        {"svc-on-wildcard", R"({"uri":"/svc/v1/*","hosts":["*.example.com"]})"},
        {"other-on-wildcard", R"({"uri":"/other","hosts":["*.example.com"]})"},
        {"svc-on-longer-wildcard", R"({"uri":"/svc/*","hosts":["*.eu.example.com"]})"},
    };
    return routes;
}
} // namespace

void TestRouter::precedence_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QString>("remote");
    QTest::addColumn<QString>("expected");
    auto row = [](const char *name, const char *m, const char *p, const char *h, const char *r, const char *e) {
        QTest::newRow(name) << QByteArray(m) << QByteArray(p) << QByteArray(h) << QString::fromLatin1(r) << QString::fromLatin1(e);
    };
    row("host route before a longer host-less prefix", "GET", "/svc/v1/x", "svc.example.com", "127.0.0.1", "svc-on-host");
    row("exact host before wildcard host", "GET", "/svc/v1/x", "SVC.example.com", "127.0.0.1", "svc-on-host");
    row("wildcard host when the exact one has no such uri", "GET", "/other", "svc.example.com", "127.0.0.1", "other-on-wildcard");
    row("longest wildcard first", "GET", "/svc/v1/x", "a.eu.example.com", "127.0.0.1", "svc-on-longer-wildcard");
    row("host-less when no host route takes it", "GET", "/svc/v1/x", "elsewhere.net", "127.0.0.1", "deep-any-host");
    row("wildcard needs a label before it", "GET", "/svc/v1/x", "example.com", "127.0.0.1", "deep-any-host");
    row("exact beats prefix", "GET", "/api/users", "x", "127.0.0.1", "exact-api-users");
    row("priority among exact", "POST", "/api/users", "x", "127.0.0.1", "exact-users-post");
    row("method filters", "GET", "/api/users", "x", "127.0.0.1", "exact-api-users");
    row("longest prefix", "GET", "/api/v1/things", "x", "127.0.0.1", "prefix-api-v1");
    row("shorter prefix", "GET", "/api/v2", "x", "127.0.0.1", "prefix-api");
    row("catch-all", "GET", "/zzz", "x", "127.0.0.1", "prefix-all");
    row("prefix with slash needs it", "GET", "/api", "x", "127.0.0.1", "prefix-all");
    row("higher priority same uri", "GET", "/same", "x", "127.0.0.1", "high-prio");
    row("creation order breaks ties", "GET", "/tie", "x", "127.0.0.1", "first-equal");
    row("host exact", "GET", "/h", "a.example.com", "127.0.0.1", "host-only");
    row("host case-insensitive", "GET", "/h", "A.Example.COM", "127.0.0.1", "host-only");
    row("host wildcard", "GET", "/h", "deep.b.example.org", "127.0.0.1", "hosts-wild");
    row("host mismatch falls to prefix", "GET", "/h", "other.net", "127.0.0.1", "h-fallback");
    row("cidr match", "GET", "/lan", "x", "10.1.2.3", "lan-only");
    row("single ip match", "GET", "/lan", "x", "192.168.1.7", "lan-only");
    row("cidr miss", "GET", "/lan", "x", "192.168.1.8", "prefix-all");
    row("disabled never matches", "GET", "/off", "x", "127.0.0.1", "prefix-all");
    row("uris exact", "GET", "/m1", "x", "127.0.0.1", "uris-many");
    row("uris prefix", "GET", "/m2/a", "x", "127.0.0.1", "uris-many");
    row("bare star prefix", "GET", "/foobar", "x", "127.0.0.1", "bare-star");
}

void TestRouter::precedence()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, host);
    QFETCH(QString, remote);
    QFETCH(QString, expected);
    const Router router = build(table());
    const CompiledRoute *r = router.match({method, path, host, QHostAddress(remote)});
    QVERIFY(r);
    QCOMPARE(r->id, expected);
}

void TestRouter::hostWildcards_data()
{
    QTest::addColumn<QByteArray>("pattern");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<bool>("matches");
    QTest::newRow("exact") << QByteArray("a.com") << QByteArray("a.com") << true;
    QTest::newRow("wild sub") << QByteArray("*.a.com") << QByteArray("x.a.com") << true;
    QTest::newRow("wild not apex") << QByteArray("*.a.com") << QByteArray("a.com") << false;
    QTest::newRow("wild not suffix trick") << QByteArray("*.a.com") << QByteArray("xa.com") << false;
    QTest::newRow("different") << QByteArray("a.com") << QByteArray("b.com") << false;
}

void TestRouter::hostWildcards()
{
    QFETCH(QByteArray, pattern);
    QFETCH(QByteArray, host);
    QFETCH(bool, matches);
    QCOMPARE(Router::hostMatches(pattern, host), matches);
}

void TestRouter::varsAsLuaRestyExpr_data()
{
    // Rows after api7/lua-resty-expr's README and lib/resty/expr/v1.lua compare_funcs; the request has
    // arg_name=json, arg_n=10, http_x=Hello, remote_addr=10.1.2.3, and nothing else.
    QTest::addColumn<QByteArray>("vars");
    QTest::addColumn<bool>("matches");
    const auto row = [](const char *name, const char *vars, bool matches) { QTest::newRow(name) << QByteArray(vars) << matches; };
    row("empty", "[]", true);
    row("==", R"([["arg_name", "==", "json"]])", true);
    row("== another", R"([["arg_name", "==", "yaml"]])", false);
    row("two elements mean ==", R"([["arg_name", "json"]])", true);
    row("every rule must hold", R"([["arg_name", "==", "json"], ["arg_n", ">", 20]])", false);
    row("== a number compares numbers", R"([["arg_n", "==", 10]])", true);
    row("== a number, text that is none", R"([["arg_name", "==", 1]])", false);
    row("~= a number, text that is none", R"([["arg_name", "~=", 1]])", true);
    row("== a string is not a number", R"([["arg_n", "==", "10.0"]])", false);
    row("> and < by number", R"([["arg_n", ">", 9], ["arg_n", "<", "11"]])", true);
    row(">= <=", R"([["arg_n", ">=", 10], ["arg_n", "<=", 10]])", true);
    row("> absent", R"([["arg_none", ">", 1]])", false);
    row("~~ regex", R"([["http_x", "~~", "^Hel+o$"]])", true);
    row("~~ is case-sensitive", R"([["http_x", "~~", "^hello$"]])", false);
    row("~* any case", R"([["http_x", "~*", "^hello$"]])", true);
    row("~~ absent", R"([["http_none", "~~", ".*"]])", false);
    row("~~ a pattern that does not compile", R"([["http_x", "~~", "("]])", false);
    row("in", R"([["arg_name", "in", ["yaml", "json"]]])", true);
    row("in not", R"([["arg_name", "in", ["yaml"]]])", false);
    row("in, a number is not the text", R"([["arg_n", "in", [10]]])", false);
    row("has needs a table", R"([["arg_name", "has", "json"]])", false);
    row("ipmatch", R"([["remote_addr", "ipmatch", ["192.168.0.0/16", "10.0.0.0/8"]]])", true);
    row("ipmatch one address", R"([["remote_addr", "ipmatch", "10.1.2.4"]])", false);
    row("! negates", R"([["arg_name", "!", "==", "yaml"]])", true);
    row("! negates a match", R"([["arg_name", "!", "~~", "^js"]])", false);
    row("operators in any case", R"([["arg_name", "IN", ["json"]]])", true);
    row("== absent and null", R"([["arg_none", "==", null]])", true);
    row("OR", R"(["OR", ["arg_name", "==", "yaml"], ["arg_n", "==", 10]])", true);
    row("AND", R"(["AND", ["arg_name", "==", "json"], ["arg_n", "==", 11]])", false);
    row("!AND", R"(["!AND", ["arg_name", "==", "json"], ["arg_n", "==", 11]])", true);
    row("!OR", R"(["!OR", ["arg_name", "==", "yaml"], ["arg_n", "==", 10]])", false);
    row("nested", R"(["OR", ["AND", ["arg_name", "==", "json"], ["http_x", "==", "Hello"]], ["arg_n", "==", 99]])", true);
    row("rules beside a nested OR", R"([["arg_name", "==", "json"], ["OR", ["arg_n", "==", 1], ["arg_n", "==", 2]]])", false);
}

void TestRouter::varsAsLuaRestyExpr()
{
    QFETCH(QByteArray, vars);
    QFETCH(bool, matches);
    QString error;
    const auto expr = VarsExpr::compile(QJsonDocument::fromJson(vars).array(), &error);
    QVERIFY2(expr, qPrintable(error));
    const VarsExpr::Lookup lookup = [](QByteArrayView name) -> std::optional<QByteArray> {
        if (name == "arg_name")
            return QByteArray("json");
        if (name == "arg_n")
            return QByteArray("10");
        if (name == "http_x")
            return QByteArray("Hello");
        if (name == "remote_addr")
            return QByteArray("10.1.2.3");
        return std::nullopt;
    };
    QCOMPARE(expr->matches(lookup), matches);
}

void TestRouter::varsCompileErrors_data()
{
    QTest::addColumn<QByteArray>("vars");
    QTest::addColumn<QString>("error"); // lua-resty-expr's words
    QTest::newRow("not wrapped") << QByteArray(R"(["arg_name", "==", "json"])") << QStringLiteral("rule should be wrapped inside brackets");
    QTest::newRow("unknown operator") << QByteArray(R"([["arg_name", "=~", "json"]])") << QStringLiteral("invalid operator '=~'");
    QTest::newRow("bad not") << QByteArray(R"([["arg_name", "~", "==", "json"]])") << QStringLiteral("bad 'not' expression");
    QTest::newRow("one element") << QByteArray(R"([["arg_name"]])") << QStringLiteral("invalid expression");
    QTest::newRow("logic too short") << QByteArray(R"(["OR", ["arg_name", "==", "json"]])") << QStringLiteral("rule too short");
    QTest::newRow("ipmatch empty") << QByteArray(R"([["remote_addr", "ipmatch", ""]])") << QStringLiteral("invalid ip address");
}

void TestRouter::varsCompileErrors()
{
    QFETCH(QByteArray, vars);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!VarsExpr::compile(QJsonDocument::fromJson(vars).array(), &got));
    QCOMPARE(got, error);
}

void TestRouter::varsTakePartInRouting()
{
    // Same uri: the route whose vars hold wins; without a lookup (no request variables) no vars route matches.
    const Router router = build({{"json", R"({"uri":"/a","priority":1,"vars":[["arg_f","==","json"]]})"},
                                 {"any", R"({"uri":"/a"})"}});
    QVERIFY(router.usesVars());
    const VarsExpr::Lookup json = [](QByteArrayView name) { return name == "arg_f" ? std::optional<QByteArray>("json") : std::nullopt; };
    const VarsExpr::Lookup none = [](QByteArrayView) { return std::optional<QByteArray>(); };
    QCOMPARE(router.match({"GET", "/a", "h", QHostAddress::LocalHost, &json})->id, QStringLiteral("json"));
    QCOMPARE(router.match({"GET", "/a", "h", QHostAddress::LocalHost, &none})->id, QStringLiteral("any"));
    QVERIFY(!build({{"any", R"({"uri":"/a"})"}}).usesVars());
}

// Why this route (issue 16): every route, in the order the router looks at them, with its reason.
void TestRouter::explainsEveryRoute()
{
    const Router router = build({{"any", R"({"uri":"/a/*"})"},
                                 {"post", R"({"uri":"/a/b","methods":["POST"]})"},
                                 {"first", R"({"uri":"/a/*","priority":5})"},
                                 {"elsewhere", R"({"uri":"/x"})"},
                                 {"off", R"({"uri":"/a/*","status":0})"},
                                 {"hosted", R"({"uri":"/a/*","host":"h.example"})"},
                                 {"lan", R"({"uri":"/a/b","remote_addrs":["10.0.0.0/8"]})"}});
    MatchInput in{"GET", "/a/b", "other.example", QHostAddress("127.0.0.1")};
    const QList<RouteVerdict> verdicts = router.explain(in);
    QCOMPARE(router.match(in)->id, QStringLiteral("first")); // explain agrees with match
    QStringList lines;
    for (const RouteVerdict &v : verdicts) {
        static const char *const outcomes[] = {"matched", "also", "skipped"};
        lines << QStringLiteral("%1 %2: %3").arg(QLatin1String(outcomes[int(v.outcome)]), v.routeId, v.reason);
    }
    QCOMPARE(lines, (QStringList{
        "skipped post: uri /a/b covers /a/b, but method GET is not one of POST",
        "skipped lan: uri /a/b covers /a/b, but client 127.0.0.1 is not in 10.0.0.0/8",
        "matched first: uri /a/* covers /a/b",
        "also any: uri /a/* covers /a/b too, but route first comes first (priority 5 over 0)",
        "skipped elsewhere: none of its uris (/x) covers /a/b",
        "skipped off: disabled (status 0)",
        "skipped hosted: host other.example is not one of h.example",
    }));
    // On its host, the hosted route comes before every host-less one.
    in.host = "H.example";
    QCOMPARE(router.explain(in).first().routeId, QStringLiteral("hosted"));
    QCOMPARE(router.explain(in).first().outcome, RouteVerdict::Outcome::Matched);
    QCOMPARE(router.match(in)->id, QStringLiteral("hosted"));
}

// Issue 13's scale: an Admin API write of one route changes the previous router in place (Router::with).
// After each of 600 random writes and deletes (uris, hosts, wildcards, priorities, disabled routes), it
// routes 40 requests exactly as a router built from scratch over the same routes does.
void TestRouter::oneRouteChangesMatchAFullBuild()
{
    QRandomGenerator rng(20261204);
    ConfigStore store;
    const QStringList uris = {"/a", "/a/*", "/a/b", "/a/b/*", "/b*", "/*", "/c/d", "/c/*"};
    const QStringList hosts = {"x.com", "*.x.com", "*.y.x.com", "y.x.com"};
    const QStringList paths = {"/a", "/a/b", "/a/b/c", "/b", "/bz", "/c/d", "/c/e", "/z"};
    const QStringList requestHosts = {"x.com", "y.x.com", "z.y.x.com", "q.x.com", "other.com"};
    for (int step = 0; step < 600; ++step) {
        const QString id = QString::number(rng.bounded(25));
        if (rng.bounded(4) == 0) {
            store.remove(ResourceKind::Route, id);
        } else {
            QJsonObject route{{"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1", 1}}}}}};
            if (rng.bounded(3) == 0)
                route.insert("uris", QJsonArray{uris[rng.bounded(uris.size())], uris[rng.bounded(uris.size())] + "/x"});
            else
                route.insert("uri", uris[rng.bounded(uris.size())]);
            if (rng.bounded(2) == 0)
                route.insert("hosts", QJsonArray{hosts[rng.bounded(hosts.size())]});
            route.insert("priority", rng.bounded(3));
            if (rng.bounded(6) == 0)
                route.insert("status", 0);
            QVERIFY(store.put(ResourceKind::Route, id, route).status < 300);
        }
        const auto snap = store.snapshot();
        QList<std::shared_ptr<const CompiledRoute>> all;
        for (const auto &r : snap->compiledRoutes)
            all.append(r);
        const Router full(all);
        QCOMPARE(snap->router.size(), full.size());
        for (const QString &path : paths)
            for (const QString &host : requestHosts) {
                const QByteArray p = path.toUtf8(), h = host.toUtf8();
                const MatchInput in{"GET", p, h, QHostAddress::LocalHost};
                const CompiledRoute *a = snap->router.match(in), *b = full.match(in);
                QVERIFY2((a ? a->id : QString()) == (b ? b->id : QString()),
                         qPrintable(QStringLiteral("step %1, %2%3: %4 against %5").arg(step).arg(host, path, a ? a->id : "none", b ? b->id : "none")));
            }
    }
}

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
