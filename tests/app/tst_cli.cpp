#include "testhttp.h"
#include "workspace.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QUrl>
#include <QTest>

#include "testfiles.h"

#include <csignal>

namespace {
struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run run(const QStringList &args, const QByteArray &adminKey = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("ROUTESCOPE_ADMIN_KEY");
    if (!adminKey.isEmpty())
        env.insert("ROUTESCOPE_ADMIN_KEY", QString::fromLatin1(adminKey));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ROUTESCOPE_BIN), args);
    p.waitForFinished(20000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// Starts `routescope serve` on loopback port 0 with an admin key.
void startServe(QProcess &p, const QString &workspace, const QString &demoUpstream, const QString &key,
                const QStringList &more = {})
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("ROUTESCOPE_ADMIN_KEY", key);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ROUTESCOPE_BIN), QStringList{"serve", "--workspace", workspace, "--proxy", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                                                        "--demo-upstream", demoUpstream} + more);
}

// A workspace as serve left it: the file and the journal beside it, as every reader takes them.
QJsonObject savedRoutes(const QString &workspace)
{
    return Workspace::load(workspace).workspace.objects.routes;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}
} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpAndVersion();
    void selfTest();
    void badUsageExits2();
    void serveRunsUntilSigterm();
    void killedServeLosesNothing();
    void serveWritesTheCaptureAsHar();
    void refusedEntriesStayInTheWorkspace();
    void portInUseIsAClearError();
    void unreadableWorkspaceIsKept();
    void exportFormats();
    void importThenExport();
    void syncToARunningTarget();
    void validate_data();
    void validate();
};

void TestCli::helpAndVersion()
{
    Run r = run({"--version"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("routescope"));
    r = run({"serve", "--help"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("--workspace"));
    QCOMPARE(run({"validate", "--help"}).code, 0);
    QCOMPARE(run({"serve", "--version"}).code, 0);
    // --help lists every command, and each answers its own.
    r = run({"--help"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("routescope --self-test"));
    QVERIFY(!r.out.contains("bench-report")); // the benchmark's own option is not for users
    for (const char *command : {"serve", "validate", "export", "import", "sync"}) {
        QVERIFY2(r.out.contains(QLatin1String("routescope ") + QLatin1String(command)), command);
        const Run own = run({command, "--help"});
        QCOMPARE(own.code, 0);
        QVERIFY2(own.out.contains("--"), command);
    }
}

// For packagers and CI (issue 16): the whole path headless, no display, exit 0.
void TestCli::selfTest()
{
    const Run r = run({"--self-test"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY(r.out.contains("ok     ext-plugin-post-resp ran the demo runner's ext-plugin-A (X-Ext-Plugin-A: executed)"));
    QVERIFY(r.out.endsWith("self-test passed\n"));
    QVERIFY(!r.out.contains("FAILED"));
}

void TestCli::badUsageExits2()
{
    Run r = run({"serve", "--no-such-option"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("no-such-option"));
    QCOMPARE(run({"validate"}).code, 2);
    QTemporaryDir dir;
    r = run({"serve", "--workspace", dir.filePath("w.json"), "--proxy", "nonsense"});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("invalid proxy address \"nonsense\""));
}

void TestCli::serveRunsUntilSigterm()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath("new/w.json");
    QProcess p;
    startServe(p, ws, "127.0.0.1:0", "cli-key");
    QVERIFY(p.waitForStarted());
    QString out;
    QRegularExpression adminRe("admin API\\s+http://127.0.0.1:(\\d+)/apisix/admin");
    QRegularExpression proxyRe("proxy\\s+http://127.0.0.1:(\\d+)");
    QRegularExpression demoRe("demo\\s+http://127.0.0.1:(\\d+)");
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput())).contains("demo "), 10000);
    const quint16 admin = quint16(adminRe.match(out).captured(1).toUInt());
    const quint16 proxy = quint16(proxyRe.match(out).captured(1).toUInt());
    const quint16 demo = quint16(demoRe.match(out).captured(1).toUInt());
    QVERIFY(admin && proxy && demo);
    QVERIFY(!out.contains("cli-key")); // never the key itself
    QVERIFY(QFile::exists(ws));
    // The key comes from the environment: none is generated into the new workspace (issue 11).
    QVERIFY2(!readFile(ws).contains("admin_key"), readFile(ws).constData());

    const QByteArray route = "{\"uri\":\"/index.html\",\"upstream\":{\"nodes\":{\"127.0.0.1:" + QByteArray::number(demo) + "\":1}}}";
    QCOMPARE(httpRequest(admin, "PUT", "/apisix/admin/routes/1", {{"X-API-KEY", "cli-key"}}, route).status, 201);
    QCOMPARE(httpRequest(proxy, "GET", "/index.html").status, 200);
    // Every Admin API change is on disk at once (a line in the journal beside the workspace).
    QVERIFY(savedRoutes(ws).contains("1"));
    // The new workspace's demo upstream points where the demo upstream listens, so /demo/* works.
    const QJsonObject demoNodes = Workspace::load(ws).workspace.objects.upstreams.value("demo").toObject().value("nodes").toObject();
    QCOMPARE(demoNodes.keys(), QStringList{QStringLiteral("127.0.0.1:%1").arg(demo)});

    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(!err.contains("cannot write"), qPrintable(err)); // a first run writes its new workspace without a complaint
    // And it comes back from the file; a demo upstream elsewhere now is said, not written into it.
    startServe(p, ws, "127.0.0.1:0", "cli-key");
    out.clear();
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput())).contains("admin API"), 10000);
    QVERIFY2(out.contains("note: the demo upstream listens on 127.0.0.1:") && out.contains("points elsewhere"), qPrintable(out));
    const quint16 admin2 = quint16(adminRe.match(out).captured(1).toUInt());
    QCOMPARE(httpRequest(admin2, "GET", "/apisix/admin/routes/1", {{"X-API-KEY", "cli-key"}}).status, 200);
    ::kill(pid_t(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
}

void TestCli::serveWritesTheCaptureAsHar()
{
    QTemporaryDir dir;
    const QString har = dir.filePath("capture.har");
    QProcess p;
    startServe(p, dir.filePath("w.json"), "127.0.0.1:0", "cli-key", {"--har", har});
    QVERIFY(p.waitForStarted());
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput())).contains("demo "), 10000);
    const quint16 admin = quint16(QRegularExpression("admin API\\s+http://127.0.0.1:(\\d+)").match(out).captured(1).toUInt());
    const quint16 proxy = quint16(QRegularExpression("proxy\\s+http://127.0.0.1:(\\d+)").match(out).captured(1).toUInt());
    const quint16 demo = quint16(QRegularExpression("demo\\s+http://127.0.0.1:(\\d+)").match(out).captured(1).toUInt());
    const QByteArray route = "{\"uri\":\"/*\",\"upstream\":{\"nodes\":{\"127.0.0.1:" + QByteArray::number(demo) + "\":1}}}";
    QCOMPARE(httpRequest(admin, "PUT", "/apisix/admin/routes/1", {{"X-API-KEY", "cli-key"}}, route).status, 201);
    QCOMPARE(httpRequest(proxy, "GET", "/first").status, 200);
    QCOMPARE(httpRequest(proxy, "POST", "/second", {}, "a body").status, 200);
    TestClient waiting(proxy); // still in the upstream call when serve stops
    waiting.send("GET /delay/5000 HTTP/1.1\r\nHost: a\r\n\r\n");
    QTest::qWait(300);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 0);
    out += QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(out.contains("wrote 3 exchange(s) to " + har), qPrintable(out));
    const QJsonArray entries = QJsonDocument::fromJson(readFile(har)).object().value("log").toObject().value("entries").toArray();
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries[0].toObject().value("request").toObject().value("url").toString(), QStringLiteral("http://127.0.0.1:%1/first").arg(proxy));
    QCOMPARE(entries[1].toObject().value("request").toObject().value("postData").toObject().value("text").toString(), QStringLiteral("a body"));
    const QJsonObject error = entries[2].toObject().value("_routescope").toObject().value("error").toObject();
    QCOMPARE(error.value("step").toString(), QStringLiteral("the upstream call"));
    QCOMPARE(error.value("message").toString(), QStringLiteral("the engine stopped during the upstream call"));

    // A file that cannot be written (a folder is in its place): a clear error, exit 1.
    QVERIFY(QDir(dir.path()).mkpath("taken.har/x"));
    startServe(p, dir.filePath("w.json"), "off", "cli-key", {"--har", dir.filePath("taken.har")});
    out.clear();
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput())).contains("admin API"), 10000);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("cannot write the capture"));
}

void TestCli::refusedEntriesStayInTheWorkspace()
{
    // A route that does not validate (here: nothing to do with a match, which an older version took) is not
    // run, is named on stdout, and stays in the file when a change saves the workspace.
    QTemporaryDir dir;
    const QString ws = dir.filePath("w.json");
    writeFile(ws, R"({"routescope_workspace":1,"apisix":{"plugins":["my-lua-plugin"]},"routes":{"old":{"uri":"/old"},"ok":{"uri":"/ok","upstream":{"nodes":{"127.0.0.1:1":1}}},)"
                  R"("mine":{"uri":"/mine","plugins":{"my-lua-plugin":{}},"upstream":{"nodes":{"127.0.0.1:1":1}}}},"upstreams":{}})");
    QProcess p;
    startServe(p, ws, "off", "cli-key");
    QVERIFY(p.waitForStarted());
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput())).contains("admin API"), 10000);
    QVERIFY2(out.contains("skipped (kept in the workspace file) /routes/old"), qPrintable(out));
    const quint16 admin = quint16(QRegularExpression("admin API\\s+http://127.0.0.1:(\\d+)").match(out).captured(1).toUInt());
    QCOMPARE(httpRequest(admin, "GET", "/apisix/admin/routes/old", {{"X-API-KEY", "cli-key"}}).status, 404);
    // A plugin the workspace lists as the user's own is accepted; another unknown name is refused as APISIX does.
    QCOMPARE(httpRequest(admin, "GET", "/apisix/admin/routes/mine", {{"X-API-KEY", "cli-key"}}).status, 200);
    const TestResponse unknown = httpRequest(admin, "PUT", "/apisix/admin/routes/x", {{"X-API-KEY", "cli-key"}},
                                             R"({"uri":"/x","plugins":{"not-a-plugin":{}},"upstream":{"nodes":{"127.0.0.1:1":1}}})");
    QCOMPARE(unknown.status, 400);
    QCOMPARE(QJsonDocument::fromJson(unknown.body).object().value("error_msg").toString(), QStringLiteral("unknown plugin [not-a-plugin]"));
    QCOMPARE(httpRequest(admin, "PUT", "/apisix/admin/routes/new", {{"X-API-KEY", "cli-key"}},
                         R"({"uri":"/new","upstream":{"nodes":{"127.0.0.1:1":1}}})").status, 201);
    QCOMPARE(httpRequest(admin, "DELETE", "/apisix/admin/routes/ok", {{"X-API-KEY", "cli-key"}}).status, 200);
    QJsonObject routes = savedRoutes(ws);
    QVERIFY(routes.contains("new"));
    QCOMPARE(routes.value("old").toObject(), QJsonObject({{"uri", "/old"}})); // as it was
    QVERIFY(!routes.contains("ok")); // a deletion is still one
    // Once the id is stored anew (a valid route), that one is saved, and deleting it deletes it.
    QCOMPARE(httpRequest(admin, "PUT", "/apisix/admin/routes/old", {{"X-API-KEY", "cli-key"}},
                         R"({"uri":"/old","upstream":{"nodes":{"127.0.0.1:1":1}}})").status, 201);
    QCOMPARE(httpRequest(admin, "DELETE", "/apisix/admin/routes/old", {{"X-API-KEY", "cli-key"}}).status, 200);
    QVERIFY(!savedRoutes(ws).contains("old"));
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
    // Stopped: the workspace is written whole, the journal gone, the refused entry still there.
    QVERIFY(!QFile::exists(ws + ".journal"));
    routes = QJsonDocument::fromJson(readFile(ws)).object().value("routes").toObject();
    QVERIFY(routes.contains("new") && !routes.contains("old") && !routes.contains("ok"));
}

void TestCli::killedServeLosesNothing()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath("w.json");
    QProcess p;
    startServe(p, ws, "off", "k");
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput())).contains("admin API"), 10000);
    const quint16 admin = quint16(QRegularExpression("admin API\\s+http://127.0.0.1:(\\d+)").match(out).captured(1).toUInt());
    for (int i = 0; i < 20; ++i)
        QCOMPARE(httpRequest(admin, "PUT", "/apisix/admin/routes/r" + QByteArray::number(i), {{"X-API-KEY", "k"}},
                             "{\"uri\":\"/r" + QByteArray::number(i) + "\",\"upstream\":{\"nodes\":{\"127.0.0.1:1\":1}}}").status, 201);
    QCOMPARE(httpRequest(admin, "DELETE", "/apisix/admin/routes/r3", {{"X-API-KEY", "k"}}).status, 200);
    // Every answered change is on disk before its answer (one journal line each); a SIGKILL right after
    // cannot lose one.
    ::kill(pid_t(p.processId()), SIGKILL);
    p.waitForFinished(3000);
    QCOMPARE(savedRoutes(ws).size(), 19 + 1); // and the default demo route
    QVERIFY(!savedRoutes(ws).contains("r3"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), (QStringList{"w.json", "w.json.journal"})); // no temporary left over
    // A torn last line (a change that was never answered) is left out; the next start writes the
    // workspace whole and removes the journal.
    QFile journal(ws + ".journal");
    QVERIFY(journal.open(QIODevice::Append));
    journal.write(R"({"kind":"routes","id":"torn","value":{"uri":"/t)");
    journal.close();
    startServe(p, ws, "off", "k");
    out.clear();
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput())).contains("admin API"), 10000);
    QVERIFY2(out.contains("applied 21 change(s) from " + ws + ".journal"), qPrintable(out));
    QVERIFY(!QFile::exists(ws + ".journal"));
    const QJsonObject whole = QJsonDocument::fromJson(readFile(ws)).object().value("routes").toObject();
    QCOMPARE(whole.size(), 19 + 1);
    QVERIFY(!whole.contains("torn"));
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(5000));
}

void TestCli::portInUseIsAClearError()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    QTemporaryDir dir;
    const QString port = QString::number(busy.serverPort());
    const Run r = run({"serve", "--workspace", dir.filePath("w.json"), "--proxy", "127.0.0.1:" + port, "--admin", "127.0.0.1:0"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("cannot listen for the proxy on 127.0.0.1:" + port), qPrintable(r.err));
    // The next free port is offered with the option that takes it (issue 16).
    const QRegularExpression offer("\\((127\\.0\\.0\\.1:(\\d+)) is free: --proxy \\1\\)");
    const QRegularExpressionMatch m = offer.match(r.err);
    QVERIFY2(m.hasMatch(), qPrintable(r.err));
    QVERIFY(m.captured(2).toUInt() > busy.serverPort());
    QTcpServer check;
    QVERIFY(check.listen(QHostAddress::LocalHost, quint16(m.captured(2).toUInt()))); // and it is free
}

void TestCli::unreadableWorkspaceIsKept()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath("w.json");
    const QByteArray broken = "{\n  \"routes\": {\n    \"1\": {\"uri\": \"/a\",}\n  }\n}\n";
    writeFile(ws, broken);
    const Run r = run({"serve", "--workspace", ws, "--proxy", "127.0.0.1:0", "--admin", "127.0.0.1:0"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("line 3, column"), qPrintable(r.err));
    QCOMPARE(readFile(ws), broken);
}

void TestCli::exportFormats()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath("w.json");
    writeFile(ws, R"({"routes":{"r1":{"uri":"/a","upstream_id":"u1"},"bad":{"uri":5}},"upstreams":{"u1":{"nodes":{"127.0.0.1:1980":1}}}})");
    Run r = run({"export", "--workspace", ws, "--format", "apisix-yaml", "-o", dir.filePath("apisix.yaml")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.err.contains("skipped /routes/bad/uri")); // only what validates goes out, and it says so
    const QByteArray yaml = readFile(dir.filePath("apisix.yaml"));
    QVERIFY(yaml.contains("routes:") && yaml.contains("upstreams:") && yaml.endsWith("#END\n"));
    QVERIFY(!yaml.contains("/bad"));
    r = run({"export", "--workspace", ws, "--format", "admin-curl"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("/apisix/admin/routes/r1"));
    r = run({"export", "--workspace", ws, "--format", "adc"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("services:") && r.out.contains("uris:") && r.out.contains("\"/a\""), qPrintable(r.out));
    QCOMPARE(run({"export", "--workspace", ws, "--format", "adc-json"}).code, 2);
    // apisix-configs: the body of PUT /apisix/admin/configs; --only: a selection with what it refers to.
    r = run({"export", "--workspace", ws, "--format", "apisix-configs", "--only", "route/r1"});
    QCOMPARE(r.code, 0);
    const QJsonObject body = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(body.value("routes").toArray().size(), 1);
    QCOMPARE(body.value("upstreams").toArray()[0].toObject().value("id").toString(), QStringLiteral("u1"));
    QCOMPARE(run({"export", "--workspace", ws, "--format", "apisix-json", "--only", "upstream/u1"}).out.count("\"id\""), 1);
    r = run({"export", "--workspace", ws, "--format", "apisix-json", "--only", "r1,service/nope"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("--only names what the workspace does not have: service/nope"), qPrintable(r.err));
    QCOMPARE(run({"export", "--workspace", dir.filePath("missing.json"), "--format", "apisix-json"}).code, 1);
}

void TestCli::importThenExport()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath("w.json");
    const QString yaml = dir.filePath("apisix.yaml");
    writeFile(yaml, "routes:\n  - id: 1\n    uri: /index.html\n    upstream_id: 1\n"
                    "upstreams:\n  - id: 1\n    nodes:\n      \"127.0.0.1:1980\": 1\n#END\n");
    // A dry run reports and writes nothing.
    Run r = run({"import", "--workspace", ws, "--dry-run", yaml});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("imported 2 object(s), refused 0"), qPrintable(r.out));
    QVERIFY(!QFile::exists(ws));
    // Into a new workspace, beside its demo route; then out again without the demo, with the config.yaml lines.
    r = run({"import", "--workspace", ws, yaml});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("imported route 1 (line 2, column 5)"));
    QVERIFY(r.err.contains("creating workspace"));
    r = run({"export", "--workspace", ws, "--format", "apisix-yaml"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("uri: \"/index.html\""));
    QVERIFY(!r.out.contains("/demo/*"));
    QVERIFY2(r.err.contains("left out route demo") && r.err.contains("conf/config.yaml needs nothing"), qPrintable(r.err));
    QVERIFY(run({"export", "--workspace", ws, "--format", "apisix-yaml", "--include-demo"}).out.contains("/demo/*"));
    // --replace: the file is the whole configuration; an exported file imports back to the same text.
    writeFile(dir.filePath("out.yaml"), run({"export", "--workspace", ws, "--format", "apisix-yaml"}).out.toUtf8());
    const QString ws2 = dir.filePath("w2.json");
    QCOMPARE(run({"import", "--workspace", ws2, "--replace", dir.filePath("out.yaml")}).code, 0);
    QCOMPARE(run({"export", "--workspace", ws2, "--format", "apisix-yaml", "--include-demo"}).out.toUtf8(), readFile(dir.filePath("out.yaml")));
    // ADC too: exported, imported (found to be ADC by its content), exported again: the same bytes.
    const QString adc = dir.filePath("adc.yaml");
    writeFile(adc, run({"export", "--workspace", ws, "--format", "adc"}).out.toUtf8());
    const QString ws3 = dir.filePath("w3.json");
    r = run({"import", "--workspace", ws3, "--replace", adc});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("imported route 1"), qPrintable(r.out));
    QCOMPARE(run({"export", "--workspace", ws3, "--format", "adc"}).out.toUtf8(), readFile(adc));
    // A refused entry: the rest is imported, exit status 3; a malformed file: nothing, exit 1, the workspace untouched.
    writeFile(yaml, "routes:\n  - id: 2\n    uri: /x\n    upstream_id: 99\n  - id: 3\n    uri: /y\n    upstream_id: 1\n");
    r = run({"import", "--workspace", ws, yaml});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.out.contains("refused route 2 (line 2, column 5): upstream_id: failed to fetch upstream info by upstream id [99]"), qPrintable(r.out));
    QVERIFY(readFile(ws).contains("\"/y\""));
    const QByteArray before = readFile(ws);
    writeFile(yaml, "routes:\n  - id: 4\n   uri: x\n");
    r = run({"import", "--workspace", ws, yaml});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("nothing imported: line 3, column 4"), qPrintable(r.out));
    QCOMPARE(readFile(ws), before);
    QCOMPARE(run({"import", "--workspace", ws, dir.filePath("missing.yaml")}).code, 1);
    QCOMPARE(run({"import", "--workspace", ws}).code, 2);
}

// `routescope sync` against a real `routescope serve` (APISIX's Admin API shape) on loopback.
void TestCli::syncToARunningTarget()
{
    QTemporaryDir dir;
    const QString a = dir.filePath("a.json");
    writeFile(a, R"({"routes":{"r1":{"uri":"/a","upstream_id":"u1","labels":{"team":"a"}},"r2":{"uri":"/b","upstream_id":"u2","labels":{"team":"b"}}},
                     "upstreams":{"u1":{"nodes":{"127.0.0.1:1980":1}},"u2":{"nodes":{"127.0.0.1:1981":1}}}})");
    QProcess target;
    startServe(target, dir.filePath("b.json"), "off", "sync-key");
    QVERIFY(target.waitForStarted());
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(target.readAllStandardOutput())).contains("admin API"), 10000);
    const QString admin = QRegularExpression("admin API\\s+(http://127.0.0.1:\\d+)/apisix/admin").match(out).captured(1);
    QVERIFY2(!admin.isEmpty(), qPrintable(out));
    const QString key = QStringLiteral("sync-key");
    const auto sync = [&](QStringList more, const QString &withKey = QStringLiteral("sync-key")) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("APISIX_ADMIN_KEY", withKey);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(ROUTESCOPE_BIN), QStringList{"sync", "--workspace", a, "--admin-url", admin} + more);
        p.waitForFinished(20000);
        return Run{p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    };
    const quint16 adminPort = quint16(QUrl(admin).port());
    const auto targetRoutes = [&] {
        return QJsonDocument::fromJson(httpRequest(adminPort, "GET", "/apisix/admin/routes", {{"X-API-KEY", "sync-key"}}).body).object().value("total").toInt();
    };
    QCOMPARE(targetRoutes(), 1); // its own demo route

    Run r = sync({"--dry-run"});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out, QStringLiteral("create upstream u1\ncreate upstream u2\ncreate route r1\ncreate route r2\n")); // what is used first
    QCOMPARE(targetRoutes(), 1);
    r = sync({});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("create route r2: 201"), qPrintable(r.out));
    QCOMPARE(targetRoutes(), 3);
    QVERIFY(sync({"--dry-run"}).out.startsWith("nothing to do"));
    QVERIFY(!r.out.contains(key) && !r.err.contains(key));

    // A change, field by field; pruning deletes users before what they use, only under --prune.
    writeFile(a, R"({"routes":{"r1":{"uri":"/a2","upstream_id":"u1","labels":{"team":"a"}},"r2":{"uri":"/b","upstream_id":"u2","labels":{"team":"b"}}},
                     "upstreams":{"u1":{"nodes":{"127.0.0.1:1980":1}},"u2":{"nodes":{"127.0.0.1:1981":1}}}})");
    QCOMPARE(sync({"--dry-run"}).out, QStringLiteral("update route r1: uri: \"/a\" -> \"/a2\"\n"));
    QCOMPARE(sync({"--dry-run", "--prune"}).out,
             QStringLiteral("update route r1: uri: \"/a\" -> \"/a2\"\ndelete route demo\ndelete upstream demo\n"));
    // --labels: only team a's route and what it uses; pruning spares what does not carry the label.
    QCOMPARE(sync({"--dry-run", "--prune", "--labels", "team=a"}).out, QStringLiteral("update route r1: uri: \"/a\" -> \"/a2\"\n"));
    QCOMPARE(sync({"--labels", "team=a", "--prune"}).code, 0);
    QVERIFY(sync({"--dry-run"}).out.startsWith("nothing to do"));

    // The target refuses a change: the sync stops there, and says what was not applied.
    writeFile(a, R"({"apisix":{"plugins":["my-auth"]},"routes":{"r0":{"uri":"/z","upstream_id":"u1","plugins":{"my-auth":{}}},
                     "r1":{"uri":"/a3","upstream_id":"u1"}},"upstreams":{"u1":{"nodes":{"127.0.0.1:1980":1}}}})");
    r = sync({});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("create route r0: 400 unknown plugin [my-auth]"), qPrintable(r.out));
    QVERIFY2(r.err.contains("stopped at the first failure; 1 change(s) not applied"), qPrintable(r.err));
    QVERIFY(!r.out.contains("update route r1"));
    // A wrong key, a target that is not there, no --admin-url.
    r = sync({"--dry-run"}, "wrong");
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("401"), qPrintable(r.err));
    QCOMPARE(run({"sync", "--workspace", a}).code, 2);
    // And back: the target's configuration imported into a new workspace.
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("APISIX_ADMIN_KEY", key);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(ROUTESCOPE_BIN), {"import", "--workspace", dir.filePath("c.json"), "--replace", "--from-admin", admin});
        QVERIFY(p.waitForFinished(20000));
        const QString said = QString::fromUtf8(p.readAllStandardOutput());
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(said.contains(QStringLiteral("imported route r1 (from %1)").arg(admin)), qPrintable(said));
        QCOMPARE(savedRoutes(dir.filePath("c.json")).value("r1").toObject().value("uri").toString(), QStringLiteral("/a2"));
    }
    QCOMPARE(run({"sync", "--workspace", a, "--admin-url", "http://127.0.0.1:1"}).code, 1);
    ::kill(pid_t(target.processId()), SIGTERM);
    QVERIFY(target.waitForFinished(5000));
}

void TestCli::validate_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("expected");
    QTest::newRow("valid route") << QByteArray(R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":1}}})") << 0 << QString();
    QTest::newRow("bad conf") << QByteArray(R"({"uri":"/a","plugins":{"ext-plugin-post-resp":{"conf":[{"value":"x"}]}},"upstream":{"nodes":{"127.0.0.1:1":1}}})")
                              << 1 << QStringLiteral("/plugins/ext-plugin-post-resp/conf/0: failed to check the configuration of plugin ext-plugin-post-resp err: property \"conf\" validation failed: failed to validate item 1: property \"name\" is required\n");
    QTest::newRow("warning only") << QByteArray(R"({"uri":"/a","plugins":{"cors":{}},"upstream":{"nodes":{"127.0.0.1:1":1}}})")
                                  << 0 << QStringLiteral("/plugins/cors: warning: plugin \"cors\" is kept and exported but not run by RouteScope\n");
    QTest::newRow("upstream") << QByteArray(R"({"nodes":{"127.0.0.1:1":1},"type":1})") << 1
                              << QStringLiteral("/type: invalid configuration: property \"type\" validation failed: wrong type: expected string, got number\n");
    QTest::newRow("workspace") << QByteArray(R"({"routes":{"r":{"uri":3}},"upstreams":{}})") << 1
                               << QStringLiteral("/routes/r/uri: invalid configuration: property \"uri\" validation failed: wrong type: expected string, got number\n");
    // The editor's warnings, the same checks (issue 10), exit status 0 when only warnings.
    QTest::newRow("value not JSON") << QByteArray(R"({"uri":"/a","plugins":{"ext-plugin-pre-req":{"conf":[{"name":"noop","value":"{nope"}]}},"upstream":{"nodes":{"127.0.0.1:1":1}}})")
                                    << 0 << QStringLiteral("/plugins/ext-plugin-pre-req/conf/0/value: warning: the value is not valid JSON");
    QTest::newRow("name twice") << QByteArray(R"({"uri":"/a","plugins":{"ext-plugin-post-resp":{"conf":[{"name":"noop","value":"{}"},{"name":"noop","value":"{}"}]}},"upstream":{"nodes":{"127.0.0.1:1":1}}})")
                                << 0 << QStringLiteral("/plugins/ext-plugin-post-resp/conf/1/name: warning: \"noop\" appears more than once");
    QTest::newRow("no conf") << QByteArray(R"({"uri":"/a","plugins":{"ext-plugin-post-resp":{}},"upstream":{"nodes":{"127.0.0.1:1":1}}})")
                             << 0 << QStringLiteral("/plugins/ext-plugin-post-resp: warning: no conf");
    QTest::newRow("not in catalogue") << QByteArray(R"({"uri":"/a","plugins":{"ext-plugin-post-resp":{"conf":[{"name":"mystery","value":"{}"}]}},"upstream":{"nodes":{"127.0.0.1:1":1}}})")
                                      << 0 << QStringLiteral("/plugins/ext-plugin-post-resp/conf/0/name: warning: the runner is not known to serve \"mystery\"");
    QTest::newRow("post-resp with proxy-mirror") << QByteArray(R"({"uri":"/a","plugins":{"proxy-mirror":{"host":"http://127.0.0.1:2"},"ext-plugin-post-resp":{"conf":[{"name":"noop","value":"{}"}]}},"upstream":{"nodes":{"127.0.0.1:1":1}}})")
                                                 << 0 << QStringLiteral("/plugins");
    QTest::newRow("workspace catalogue") << QByteArray(R"({"plugin_catalogue":[{"name":"mine"}],"routes":{"r":{"uri":"/a","plugins":{"ext-plugin-pre-req":{"conf":[{"name":"noop","value":"{}"}]}},"upstream":{"nodes":{"127.0.0.1:1":1}}}},"upstreams":{}})")
                                         << 0 << QStringLiteral("/routes/r/plugins/ext-plugin-pre-req/conf/0/name: warning: the runner is not known to serve \"noop\"");
    QTest::newRow("a node's port, with the hint") << QByteArray(R"({"nodes":[{"host":"127.0.0.1","port":0,"weight":1}]})")
        << 1 << QStringLiteral("/nodes: invalid configuration: property \"nodes\" validation failed: object matches none of the required (node 1: \"port\" must be an integer from 1 to 65535)");
    QTest::newRow("a plugin's conf against its schema") << QByteArray(R"({"uri":"/a","plugins":{"limit-req":{"rate":0,"burst":0,"key":"remote_addr"}},"upstream":{"nodes":{"127.0.0.1:1":1}}})")
        << 1 << QStringLiteral("/plugins/limit-req/rate: failed to check the configuration of plugin limit-req err: property \"rate\" validation failed: expected 0 to be greater than 0");
    QTest::newRow("broken json") << QByteArray("{\n\"uri\": }") << 1 << QStringLiteral(": invalid JSON at line 2, column");
}

void TestCli::validate()
{
    QFETCH(QByteArray, json);
    QFETCH(int, code);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    writeFile(dir.filePath("f.json"), json);
    const Run r = run({"validate", dir.filePath("f.json")});
    QCOMPARE(r.code, code);
    QVERIFY2(r.out.startsWith(expected), qPrintable(r.out));
    if (expected.isEmpty())
        QCOMPARE(r.out, QString());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
