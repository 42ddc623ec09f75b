// Services, plugin configs and global rules as APISIX runs them (apisix/init.lua http_access_phase):
// merged into the route, their ext plugins run by the demo runner process, their conf-token keys as
// APISIX builds them, and kept in the workspace and its journal.
#include "configstore.h"
#include "journal.h"
#include "testhttp.h"
#include "workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

namespace {
// An ext plugin of the demo runner with one conf entry: {"<ext>": {"conf": [{"name": n, "value": v}]}}
QByteArray ext(const char *phase, const char *name, const QByteArray &value)
{
    const QJsonArray conf{QJsonObject{{"name", QString::fromLatin1(name)}, {"value", QString::fromUtf8(value)}}};
    return "\"" + QByteArray(phase) + "\":{\"conf\":" + QJsonDocument(conf).toJson(QJsonDocument::Compact) + "}";
}

QByteArray upstreamTo(quint16 port)
{
    return "{\"nodes\":{\"127.0.0.1:" + QByteArray::number(port) + "\":1}}";
}

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}
} // namespace

class TestObjectModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void serviceGivesUpstreamAndHosts();
    void serviceChangeReachesItsRoutes();
    void pluginsMergedRouteFirst();
    void globalRulesRunFirstAndWithoutARoute();
    void confTokenKeysAsApisix();
    void workspaceAndJournalKeepEveryKind();
};

void TestObjectModel::serviceGivesUpstreamAndHosts()
{
    auto serviceUp = startEchoUpstream();
    auto ownUp = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/services/s", "{\"hosts\":[\"svc.example\"],\"upstream\":" + upstreamTo(serviceUp->port()) + "}"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/1", R"({"uri":"/s","service_id":"s"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/2", "{\"uri\":\"/own\",\"service_id\":\"s\",\"upstream\":" + upstreamTo(ownUp->port()) + "}"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/3", R"({"uri":"/anyhost","service_id":"s","hosts":["other.example"]})"), 201);

    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/s", {{"Host", "svc.example"}}).status, 200);
    QCOMPARE(serviceUp->requestCount(), 1);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/s", {{"Host", "elsewhere.example"}}).status, 404); // the service's hosts
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/own", {{"Host", "svc.example"}}).status, 200);
    QCOMPARE(ownUp->requestCount(), 1); // the route's own upstream wins
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/anyhost", {{"Host", "other.example"}}).status, 200); // the route's hosts win
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/anyhost", {{"Host", "svc.example"}}).status, 404);
    QCOMPARE(serviceUp->requestCount(), 2);
}

void TestObjectModel::serviceChangeReachesItsRoutes()
{
    auto first = startEchoUpstream();
    auto second = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/upstreams/u", upstreamTo(first->port())), 201);
    QCOMPARE(engine.put("/apisix/admin/services/s", R"({"upstream_id":"u"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/1", R"({"uri":"/s","service_id":"s"})"), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/s").status, 200);
    QCOMPARE(first->requestCount(), 1);
    // The route did not change, its service did: the route is compiled again with it.
    QCOMPARE(engine.put("/apisix/admin/services/s", "{\"upstream\":" + upstreamTo(second->port()) + "}"), 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/s").status, 200);
    QCOMPARE(second->requestCount(), 1);
    // And the upstream the service names, when it changes.
    QCOMPARE(engine.put("/apisix/admin/services/s", R"({"upstream_id":"u"})"), 200);
    QCOMPARE(engine.put("/apisix/admin/upstreams/u", upstreamTo(second->port())), 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/s").status, 200);
    QCOMPARE(second->requestCount(), 2);
    QCOMPARE(first->requestCount(), 1);
}

void TestObjectModel::pluginsMergedRouteFirst()
{
    auto up = startEchoUpstream();
    TestEngine engine(1, demoRunner());
    waitReady(engine);
    // The plugin config's pre-req adds X-From-Config, the service's post-req X-From-Service; the route's own
    // pre-req (X-From-Route) wins over the plugin config's.
    QCOMPARE(engine.put("/apisix/admin/plugin_configs/pc", "{\"plugins\":{" + ext("ext-plugin-pre-req", "rewrite", R"({"headers":{"X-From-Config":"1"}})") + "}}"), 201);
    QCOMPARE(engine.put("/apisix/admin/services/s", "{\"plugins\":{" + ext("ext-plugin-post-req", "rewrite", R"({"headers":{"X-From-Service":"1"}})")
                                                        + "},\"upstream\":" + upstreamTo(up->port()) + "}"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/1", R"({"uri":"/config","service_id":"s","plugin_config_id":"pc"})"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/2", "{\"uri\":\"/own\",\"service_id\":\"s\",\"plugin_config_id\":\"pc\",\"plugins\":{"
                                                      + ext("ext-plugin-pre-req", "rewrite", R"({"headers":{"X-From-Route":"1"}})") + "}}"), 201);
    TestResponse r = httpRequest(engine.proxyPort(), "GET", "/config");
    QCOMPARE(r.status, 200);
    QCOMPARE(seenHeader(r, "x-from-config"), QStringLiteral("1"));
    QCOMPARE(seenHeader(r, "x-from-service"), QStringLiteral("1"));
    r = httpRequest(engine.proxyPort(), "GET", "/own");
    QCOMPARE(r.status, 200);
    QCOMPARE(seenHeader(r, "x-from-route"), QStringLiteral("1"));
    QVERIFY(!seesHeader(r, "x-from-config"));
    QCOMPARE(seenHeader(r, "x-from-service"), QStringLiteral("1"));
}

void TestObjectModel::globalRulesRunFirstAndWithoutARoute()
{
    auto up = startEchoUpstream();
    TestEngine engine(1, demoRunner());
    waitReady(engine);
    QCOMPARE(engine.put("/apisix/admin/routes/1", "{\"uri\":\"/open\",\"upstream\":" + upstreamTo(up->port()) + ",\"plugins\":{"
                                                      + ext("ext-plugin-pre-req", "rewrite", R"({"headers":{"X-Seen":"route"}})") + "}}"), 201);
    // A global pre-req runs before the route's: the route's rewrite of the same header is the one left.
    QCOMPARE(engine.put("/apisix/admin/global_rules/1", "{\"plugins\":{" + ext("ext-plugin-pre-req", "rewrite", R"({"headers":{"X-Seen":"global","X-Global":"1"}})") + "}}"), 201);
    TestResponse r = httpRequest(engine.proxyPort(), "GET", "/open");
    QCOMPARE(r.status, 200);
    QCOMPARE(seenHeader(r, "x-seen"), QStringLiteral("route"));
    QCOMPARE(seenHeader(r, "x-global"), QStringLiteral("1"));
    // A global stop answers every request, those no route matches included (APISIX runs the global rules
    // before its 404).
    QCOMPARE(engine.put("/apisix/admin/global_rules/1", "{\"plugins\":{" + ext("ext-plugin-pre-req", "stop", R"({"status":403,"body":"closed"})") + "}}"), 200);
    r = httpRequest(engine.proxyPort(), "GET", "/nowhere");
    QCOMPARE(r.status, 403);
    QCOMPARE(r.body, QByteArray("closed"));
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/open").status, 403);
    QCOMPARE(up->requestCount(), 1);
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/global_rules/1").status, 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/nowhere").status, 404);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/open").status, 200);
}

void TestObjectModel::confTokenKeysAsApisix()
{
    // apisix/init.lua: conf_type "route&service", conf_id "<route>&<service>", conf_version
    // "<route>#<plugin config>&<service>" (the plugin config merged first); global rules: "global_rule#1".
    ConfigStore store;
    const QByteArray pre = "{" + ext("ext-plugin-pre-req", "rewrite", "{}") + "}";
    QCOMPARE(store.put(ResourceKind::PluginConfig, "pc", object("{\"plugins\":" + pre + "}")).status, 201);
    QCOMPARE(store.put(ResourceKind::Service, "s", object(R"({"upstream":{"nodes":{"127.0.0.1:1":1}}})")).status, 201);
    QCOMPARE(store.put(ResourceKind::Route, "1", object(R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":1}},"plugins":)" + pre + "}")).status, 201);
    QCOMPARE(store.put(ResourceKind::Route, "2", object(R"({"uri":"/b","service_id":"s","plugin_config_id":"pc"})")).status, 201);
    QCOMPARE(store.put(ResourceKind::GlobalRule, "g", object("{\"plugins\":{" + ext("ext-plugin-post-req", "rewrite", "{}") + "}}")).status, 201);
    const auto snap = store.snapshot();
    const auto version = [&snap](const QMap<QString, StoredResource> &map, const QString &id) { return QByteArray::number(map.value(id).version); };
    QCOMPARE(snap->compiledRoutes.value("1")->ext.preReq->tokenKey, "route#1#ext-plugin-pre-req#" + version(snap->routes, "1"));
    QCOMPARE(snap->compiledRoutes.value("2")->ext.preReq->tokenKey,
             "route&service#2&s#ext-plugin-pre-req#" + version(snap->routes, "2") + '#' + version(snap->pluginConfigs, "pc") + '&' + version(snap->services, "s"));
    QVERIFY(snap->globalExt.postReq);
    QVERIFY(snap->globalExt.postReq->tokenKey.startsWith("global_rule#1#ext-plugin-post-req#"));
    // A change elsewhere keeps the global rules' key (and so their conf token); a change to them does not.
    const QByteArray globalKey = snap->globalExt.postReq->tokenKey;
    QCOMPARE(store.put(ResourceKind::Route, "3", object(R"({"uri":"/c","upstream":{"nodes":{"127.0.0.1:1":1}}})")).status, 201);
    QCOMPARE(store.snapshot()->globalExt.postReq->tokenKey, globalKey);
    QCOMPARE(store.put(ResourceKind::GlobalRule, "g", object("{\"plugins\":{" + ext("ext-plugin-post-req", "rewrite", R"({"x":1})") + "}}")).status, 200);
    QVERIFY(store.snapshot()->globalExt.postReq->tokenKey != globalKey);
}

void TestObjectModel::workspaceAndJournalKeepEveryKind()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("ws.json");
    ConfigStore store;
    QCOMPARE(store.put(ResourceKind::Upstream, "u", object(R"({"nodes":{"127.0.0.1:1":1}})")).status, 201);
    QCOMPARE(store.put(ResourceKind::Service, "s", object(R"({"upstream_id":"u","name":"svc"})")).status, 201);
    QCOMPARE(store.put(ResourceKind::PluginConfig, "pc", object(R"({"plugins":{"limit-count":{"count":1,"time_window":1}}})")).status, 201);
    QCOMPARE(store.put(ResourceKind::Route, "1", object(R"({"uri":"/a","service_id":"s","plugin_config_id":"pc"})")).status, 201);
    QCOMPARE(store.put(ResourceKind::GlobalRule, "g", object(R"({"plugins":{"prometheus":{}}})")).status, 201);
    Workspace w = Workspace::createDefault(path);
    w.takeConfigFrom(store);
    QVERIFY(w.save().isEmpty());
    // One more change, in the journal only.
    WorkspaceJournal journal;
    const QJsonObject second = object(R"({"id":"s2","upstream_id":"u"})");
    QVERIFY(journal.append(path, ResourceKind::Service, "s2", &second).isEmpty());

    const Workspace::LoadResult loaded = Workspace::load(path);
    QVERIFY(loaded.error.isEmpty());
    QCOMPARE(loaded.journalApplied, 1);
    ConfigStore again;
    const Problems problems = again.load(loaded.workspace.objects);
    QVERIFY2(!hasErrors(problems), qPrintable(firstErrorMessage(problems)));
    for (ResourceKind kind : kResourceKinds) {
        QJsonObject want = store.toJson(kind);
        if (kind == ResourceKind::Service)
            want.insert("s2", second);
        if (kind == ResourceKind::Route || kind == ResourceKind::Upstream)
            continue; // (these also hold the default workspace's demo objects)
        QCOMPARE(again.toJson(kind), want);
    }
    QCOMPARE(again.toJson(ResourceKind::Route).value("1"), store.toJson(ResourceKind::Route).value("1"));
    QVERIFY(again.snapshot()->router.size() >= 1);
}

QTEST_GUILESS_MAIN(TestObjectModel)
#include "tst_objectmodel.moc"
