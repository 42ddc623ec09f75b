#include "router.h"

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

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
