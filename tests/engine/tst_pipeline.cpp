// The exchange's stages played without sockets: which plugin is called when, and what each runner reply
// makes of the exchange (Continue, Respond, Fail), as apisix/init.lua and ext-plugin/init.lua run them.
#include "pipeline.h"
#include "router.h"

#include <QTest>

namespace {

ExtPluginConfig plugin(const char *name, bool global = false, bool degrade = false)
{
    ExtPluginConfig p;
    p.name = QLatin1String(name);
    p.global = global;
    p.allowDegradation = degrade;
    return p;
}

PluginCallOutcome replied(const Runner::HttpReqCallResp &reply) { return {true, Runner::encode(reply), {}}; }
PluginCallOutcome replied(const Runner::HttpRespCallResp &reply) { return {true, Runner::encode(reply), {}}; }
PluginCallOutcome failed(const QString &why) { return {false, {}, why}; }

Runner::HttpReqCallResp stop(quint16 status, TextPairs headers = {})
{
    Runner::HttpReqCallResp r;
    r.action = Runner::HttpReqCallResp::Action::Stop;
    r.stop.status = status;
    r.stop.headers = std::move(headers);
    r.stop.body = "stopped";
    return r;
}

Runner::HttpReqCallResp rewritePath(const QByteArray &path)
{
    Runner::HttpReqCallResp r;
    r.action = Runner::HttpReqCallResp::Action::Rewrite;
    r.rewrite.path = path;
    r.rewrite.respHeaders = {{"X-Seen", "yes"}};
    return r;
}

// The plugins of a case: "g-pre", "pre", "g-post", "post" (each may end in "!" for allow_degradation);
// "route" when a route matched.
struct Setup
{
    ExtPlugins global;
    CompiledRoute route;
    bool matched = false;
};

Setup setupOf(const QStringList &parts)
{
    Setup s;
    for (QString part : parts) {
        const bool degrade = part.endsWith('!');
        part.remove('!');
        if (part == QLatin1String("route"))
            s.matched = true;
        else if (part == QLatin1String("g-pre"))
            s.global.preReq = plugin("ext-plugin-pre-req", true, degrade);
        else if (part == QLatin1String("g-post"))
            s.global.postReq = plugin("ext-plugin-post-req", true, degrade);
        else if (part == QLatin1String("pre"))
            s.route.ext.preReq = plugin("ext-plugin-pre-req", false, degrade);
        else if (part == QLatin1String("post"))
            s.route.ext.postReq = plugin("ext-plugin-post-req", false, degrade);
    }
    return s;
}

// Plays an exchange up to the upstream: each called plugin takes the next outcome. The trace is what
// ProxyConnection would do, one line a step.
QStringList play(const Setup &s, QList<PluginCallOutcome> outcomes, HttpRequest *upstream, HttpHeaders *respHeaders)
{
    QStringList trace;
    Pipeline::Stage stage = Pipeline::Stage::GlobalPreReq;
    for (int guard = 0; guard < 10; ++guard) {
        const Pipeline::Step step = Pipeline::stepFrom(stage, s.global, s.matched ? &s.route : nullptr);
        if (step.kind == Pipeline::Step::Kind::NotFound)
            return trace << QStringLiteral("404");
        if (step.kind == Pipeline::Step::Kind::Upstream)
            return trace << QStringLiteral("upstream ") + QString::fromLatin1(upstream->path);
        trace << QStringLiteral("call ") + step.plugin->stepName();
        if (outcomes.isEmpty())
            return trace << QStringLiteral("(no outcome scripted)");
        Pipeline::RequestEffects effects;
        const Pipeline::Result result = Pipeline::afterRequestPlugin(*step.plugin, outcomes.takeFirst(), *upstream, effects, true);
        for (const auto &[name, value] : effects.respHeaders.fields())
            respHeaders->set(name, value);
        if (const auto *respond = std::get_if<Pipeline::Respond>(&result))
            return trace << QStringLiteral("respond %1 %2").arg(respond->answer.status)
                                .arg(QString::fromLatin1(respond->answer.headers.value("content-type")));
        if (const auto *fail = std::get_if<Pipeline::Fail>(&result)) {
            trace << QStringLiteral("%1 %2: %3").arg(fail->degrade ? QStringLiteral("degraded") : QStringLiteral("fail"), fail->step, fail->reason);
            if (!fail->degrade)
                return trace;
        }
        stage = step.next;
    }
    return trace << QStringLiteral("(loop)");
}

} // namespace

class TestPipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestStages_data();
    void requestStages();
    void rewriteReachesTheUpstream();
    void undecodableReplyFails();
    void responseStage();
};

void TestPipeline::requestStages_data()
{
    QTest::addColumn<QStringList>("setup");
    QTest::addColumn<QList<PluginCallOutcome>>("outcomes");
    QTest::addColumn<QStringList>("trace");
    const PluginCallOutcome none = replied(Runner::HttpReqCallResp{});
    QTest::newRow("a plain route") << QStringList{"route"} << QList<PluginCallOutcome>{} << QStringList{"upstream /x"};
    QTest::newRow("no route") << QStringList{} << QList<PluginCallOutcome>{} << QStringList{"404"};
    QTest::newRow("no route: the global rules still run, then 404")
        << QStringList{"g-pre", "g-post", "pre"} << QList<PluginCallOutcome>{none, none}
        << QStringList{"call global rules' ext-plugin-pre-req", "call global rules' ext-plugin-post-req", "404"};
    QTest::newRow("apisix/init.lua's order")
        << QStringList{"route", "post", "g-post", "pre", "g-pre"} << QList<PluginCallOutcome>{none, none, none, none}
        << QStringList{"call global rules' ext-plugin-pre-req", "call ext-plugin-pre-req", "call global rules' ext-plugin-post-req",
                       "call ext-plugin-post-req", "upstream /x"};
    QTest::newRow("a global Stop: the route's plugins are not called")
        << QStringList{"route", "g-pre", "pre", "post"} << QList<PluginCallOutcome>{replied(stop(403))}
        << QStringList{"call global rules' ext-plugin-pre-req", "respond 403 text/plain"};
    QTest::newRow("a Stop naming its Content-Type keeps it")
        << QStringList{"route", "post"} << QList<PluginCallOutcome>{replied(stop(401, {{"Content-Type", "application/json"}}))}
        << QStringList{"call ext-plugin-post-req", "respond 401 application/json"};
    QTest::newRow("a Stop removing Content-Type gets none")
        << QStringList{"route", "post"} << QList<PluginCallOutcome>{replied(stop(401, {{"content-type", ""}}))}
        << QStringList{"call ext-plugin-post-req", "respond 401 "};
    QTest::newRow("a Stop with status 0 is 200")
        << QStringList{"route", "pre"} << QList<PluginCallOutcome>{replied(stop(0))}
        << QStringList{"call ext-plugin-pre-req", "respond 200 text/plain"};
    QTest::newRow("a failure ends the exchange")
        << QStringList{"route", "pre", "post"} << QList<PluginCallOutcome>{failed("the runner is down")}
        << QStringList{"call ext-plugin-pre-req", "fail ext-plugin-pre-req: the runner is down"};
    QTest::newRow("allow_degradation goes on")
        << QStringList{"route", "pre!", "post"} << QList<PluginCallOutcome>{failed("timed out"), none}
        << QStringList{"call ext-plugin-pre-req", "degraded ext-plugin-pre-req: timed out", "call ext-plugin-post-req", "upstream /x"};
    QTest::newRow("a degraded global rule, then a failing route plugin")
        << QStringList{"route", "g-post!", "post"} << QList<PluginCallOutcome>{failed("reset"), failed("reset")}
        << QStringList{"call global rules' ext-plugin-post-req", "degraded global rules' ext-plugin-post-req: reset",
                       "call ext-plugin-post-req", "fail ext-plugin-post-req: reset"};
}

void TestPipeline::requestStages()
{
    QFETCH(QStringList, setup);
    QFETCH(QList<PluginCallOutcome>, outcomes);
    QFETCH(QStringList, trace);
    HttpRequest upstream;
    upstream.method = "GET";
    upstream.path = "/x";
    upstream.target = "/x";
    HttpHeaders respHeaders;
    QCOMPARE(play(setupOf(setup), outcomes, &upstream, &respHeaders), trace);
}

void TestPipeline::rewriteReachesTheUpstream()
{
    HttpRequest upstream;
    upstream.method = "GET";
    upstream.path = "/x";
    upstream.target = "/x?a=1";
    HttpHeaders respHeaders;
    const QStringList trace = play(setupOf({"route", "pre", "post"}), {replied(rewritePath("/first")), replied(rewritePath("/second"))},
                                   &upstream, &respHeaders);
    QCOMPARE(trace, (QStringList{"call ext-plugin-pre-req", "call ext-plugin-post-req", "upstream /second"}));
    QCOMPARE(respHeaders.value("x-seen"), QByteArray("yes"));
}

void TestPipeline::undecodableReplyFails()
{
    HttpRequest upstream;
    Pipeline::RequestEffects effects;
    const Pipeline::Result result = Pipeline::afterRequestPlugin(plugin("ext-plugin-pre-req"), {true, "not flatbuffers", {}},
                                                                 upstream, effects, true);
    const auto *fail = std::get_if<Pipeline::Fail>(&result);
    QVERIFY(fail);
    QCOMPARE(fail->step, QStringLiteral("ext-plugin-pre-req"));
    QCOMPARE(fail->status, 503);
    QVERIFY(!fail->reason.isEmpty());
    QVERIFY(!effects.modified);
}

void TestPipeline::responseStage()
{
    ClientAnswer upstream;
    upstream.status = 200;
    upstream.reason = "OK";
    upstream.headers.add("Content-Type", "application/json");
    upstream.headers.add("X-Up", "1");
    upstream.body = "{}";
    const ExtPluginConfig post = plugin("ext-plugin-post-resp");
    bool modified = true;
    QStringList notes;

    // No change: the upstream's headers less the exclusion list, nginx's default_type, the body kept.
    Pipeline::Result r = Pipeline::afterResponsePlugin(post, replied(Runner::HttpRespCallResp{}), upstream, true, &modified, &notes);
    auto *respond = std::get_if<Pipeline::Respond>(&r);
    QVERIFY(respond);
    QVERIFY(respond->keepsUpstreamBody);
    QVERIFY(!modified);
    QCOMPARE(respond->answer.headers.value("content-type"), QByteArray("text/plain"));
    QCOMPARE(respond->answer.headers.value("x-up"), QByteArray("1"));
    // relay_as_received: no default type
    r = Pipeline::afterResponsePlugin(post, replied(Runner::HttpRespCallResp{}), upstream, false, &modified, nullptr);
    QVERIFY(!std::get<Pipeline::Respond>(r).answer.headers.contains("content-type"));

    // A new body and headers: they replace the upstream's; the status stays when 0.
    Runner::HttpRespCallResp change;
    change.headers = {{"X-New", "2"}};
    change.body = "new";
    r = Pipeline::afterResponsePlugin(post, replied(change), upstream, true, &modified, &notes);
    respond = std::get_if<Pipeline::Respond>(&r);
    QVERIFY(respond);
    QVERIFY(!respond->keepsUpstreamBody);
    QVERIFY(modified);
    QCOMPARE(respond->answer.status, 200);
    QCOMPARE(respond->answer.body, QByteArray("new"));
    QVERIFY(!respond->answer.headers.contains("x-up"));
    QCOMPARE(respond->answer.headers.value("content-type"), QByteArray("text/plain"));

    // A 304 gets no default type.
    Runner::HttpRespCallResp notModified;
    notModified.status = 304;
    r = Pipeline::afterResponsePlugin(post, replied(notModified), upstream, true, &modified, &notes);
    QVERIFY(!std::get<Pipeline::Respond>(r).answer.headers.contains("content-type"));

    // A failure: Fail, with degrade under allow_degradation.
    r = Pipeline::afterResponsePlugin(post, failed("gone"), upstream, true, &modified, &notes);
    QCOMPARE(std::get<Pipeline::Fail>(r).degrade, false);
    r = Pipeline::afterResponsePlugin(plugin("ext-plugin-post-resp", true, true), failed("gone"), upstream, true, &modified, &notes);
    QCOMPARE(std::get<Pipeline::Fail>(r).degrade, true);
    QCOMPARE(std::get<Pipeline::Fail>(r).step, QStringLiteral("global rules' ext-plugin-post-resp"));
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
