#include "commands.h"

#include "adminapi.h"
#include "adminsync.h"
#include "atomicfile.h"
#include "capturestore.h"
#include "configexport.h"
#include "configimport.h"
#include "editorchecks.h"
#include "exchangeexport.h"
#include "quitsignals.h"
#include "runnerprocess.h"
#include "session.h"
#include "validator.h"

#include <QCoreApplication>
#include <QFile>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <optional>

namespace {
void printErr(const QString &text)
{
    std::fprintf(stderr, "routescope: %s\n", qPrintable(text));
}

// Parses; answers --help and --version. Returns an exit status when the command is done already.
std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &arguments)
{
    if (!parser.parse(arguments)) {
        printErr(parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::printf("%s", qPrintable(parser.helpText()));
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        std::printf("routescope %s\n", qPrintable(QCoreApplication::applicationVersion()));
        return 0;
    }
    return std::nullopt;
}
} // namespace

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run the RouteScope engine headless until SIGINT/SIGTERM."));
    parser.addHelpOption();
    parser.addVersionOption();
    addEngineOptions(parser);
    const QCommandLineOption har(QStringLiteral("har"),
        QStringLiteral("Capture the traffic (the workspace's budget and body cap) and write it to FILE as HAR 1.2 when serve stops."),
        QStringLiteral("FILE"));
    parser.addOption(har);
    if (const auto done = parseCommandLine(parser, arguments))
        return *done;
    if (!parser.positionalArguments().isEmpty()) {
        printErr(QStringLiteral("serve takes no positional arguments"));
        return 2;
    }
    const QString harPath = parser.value(har);
    if (parser.isSet(har) && harPath.isEmpty()) {
        printErr(QStringLiteral("--har needs a file name"));
        return 2;
    }
    Session session;
    session.setCaptureEnabled(!harPath.isEmpty());
    const QString error = session.open(parser);
    if (!error.isEmpty()) {
        printErr(error);
        return 1;
    }
    std::printf("RouteScope %s serving\n%s\n", qPrintable(QCoreApplication::applicationVersion()), qPrintable(session.startupSummary()));
    std::fflush(stdout);
    quitOnTermination();
    int rc = QCoreApplication::exec();
    if (harPath.isEmpty()) {
        session.engine()->stop();
        return rc;
    }
    const quint64 dropped = session.engine()->capture()->droppedForBudget();
    const QString proxyUrl = session.proxyUrl(); // while the port is still known
    QList<ExchangePtr> exchanges;
    session.engine()->stop(&exchanges);
    const QByteArray data = QJsonDocument(toHar(exchanges, proxyUrl, QCoreApplication::applicationVersion())).toJson();
    if (const QString error = writeFileAtomically(harPath, data); !error.isEmpty()) {
        printErr(QStringLiteral("cannot write the capture: %1").arg(error));
        return 1;
    }
    std::printf("wrote %lld exchange(s) to %s%s\n", (long long)exchanges.size(), qPrintable(harPath),
                dropped ? qPrintable(QStringLiteral(" (%1 older one(s) dropped to stay within capture_budget_mib)").arg(dropped)) : "");
    return rc;
}

int runValidate(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Validate a route, upstream or workspace JSON file; prints JSON-POINTER: message per problem."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The JSON file to check."));
    if (const auto done = parseCommandLine(parser, arguments))
        return *done;
    if (parser.positionalArguments().size() != 1) {
        printErr(QStringLiteral("validate takes exactly one FILE"));
        return 2;
    }
    const QString path = parser.positionalArguments().first();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        printErr(QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
        return 1;
    }
    const QByteArray data = file.readAll();
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        const QString why = pe.error != QJsonParseError::NoError ? pe.errorString() : QStringLiteral("expected a JSON object");
        std::printf(": invalid JSON at %s: %s\n", qPrintable(describeOffset(data, pe.offset)), qPrintable(why));
        return 1;
    }
    const QJsonObject o = doc.object();
    // The editor's checks, on the same code: APISIX's schema (Validator) plus what the editor warns about
    // ext-plugin confs (EditorChecks), against the workspace's plugin catalogue, or the one a new
    // workspace starts with (the demo runner's).
    const QJsonValue catalogueJson = o.value(QStringLiteral("plugin_catalogue"));
    const PluginCatalogue catalogue = catalogueJson.isArray() ? PluginCatalogue::fromJson(catalogueJson.toArray()) : PluginCatalogue::demoRunner();
    Problems problems;
    const bool workspace = std::any_of(std::begin(kResourceKinds), std::end(kResourceKinds),
                                       [&o](ResourceKind kind) { return o.contains(resourcePlural(kind)); });
    if (workspace) {
        ConfigStore store;
        ResourceObjects objects;
        for (ResourceKind kind : kResourceKinds)
            objects.of(kind) = o.value(resourcePlural(kind)).toObject();
        problems = store.load(objects);
        const QJsonObject routes = o.value(QStringLiteral("routes")).toObject();
        for (auto it = routes.begin(); it != routes.end(); ++it) {
            for (Problem p : EditorChecks::checkExtPluginConfs(it.value().toObject(), catalogue)) {
                p.pointer.prepend(QStringLiteral("/routes/") + pointerToken(it.key()));
                problems.append(p);
            }
        }
    } else if (o.contains(QStringLiteral("nodes")) && !o.contains(QStringLiteral("uri")) && !o.contains(QStringLiteral("uris"))) {
        problems = Validator::validateUpstream(o);
    } else {
        problems = EditorChecks::checkRoute(o, {}, catalogue); // upstream_id cannot be resolved from one file
    }
    for (const Problem &p : problems)
        std::printf("%s: %s%s\n", qPrintable(p.pointer), p.isError() ? "" : "warning: ", qPrintable(p.shown()));
    return hasErrors(problems) ? 1 : 0;
}

namespace {
// --workspace, --include-demo and --labels, shared by export and sync.
void addSelectionOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("workspace"), QStringLiteral("Workspace file (default: the default workspace)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("include-demo"), QStringLiteral("Include RouteScope's demo route and upstream.")});
    parser.addOption({QStringLiteral("labels"), QStringLiteral("Only the objects with this label, and what they refer to."), QStringLiteral("KEY=VALUE")});
    parser.addOption({QStringLiteral("only"), QStringLiteral("Only these objects, and what they refer to: route/1,upstream/u1 (a bare id is a route's)."), QStringLiteral("IDS")});
}

// The workspace's objects as production gets them: only what validates, as the engine would run it (each
// entry left out named on stderr), without the demo unless --include-demo, only --labels' selection.
std::optional<ResourceObjects> productionObjects(const QCommandLineParser &parser, Workspace *workspace)
{
    const QString path = parser.isSet(QStringLiteral("workspace")) ? parser.value(QStringLiteral("workspace")) : Workspace::defaultPath();
    Workspace::LoadResult loaded = Workspace::load(path);
    if (!loaded.error.isEmpty()) {
        printErr(loaded.error);
        return std::nullopt;
    }
    *workspace = std::move(loaded.workspace);
    ConfigStore store;
    store.setCustomPlugins(workspace->customPlugins());
    for (const Problem &p : store.load(workspace->objects))
        if (p.isError())
            printErr(QStringLiteral("skipped %1: %2").arg(p.pointer, p.shown()));
    AdminSync::Selection selection;
    selection.includeDemo = parser.isSet(QStringLiteral("include-demo"));
    if (parser.isSet(QStringLiteral("labels"))) {
        selection.label = AdminSync::labelFromText(parser.value(QStringLiteral("labels")));
        if (!selection.label) {
            printErr(QStringLiteral("--labels takes KEY=VALUE"));
            return std::nullopt;
        }
    }
    if (parser.isSet(QStringLiteral("only")))
        selection.ids = parser.value(QStringLiteral("only")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    QStringList leftOut, unknown;
    const ResourceObjects objects = AdminSync::select(store.objects(), selection, &leftOut, &unknown);
    for (const QString &what : std::as_const(leftOut))
        printErr(QStringLiteral("left out ") + what);
    if (!unknown.isEmpty()) {
        printErr(QStringLiteral("--only names what the workspace does not have: %1").arg(unknown.join(QStringLiteral(", "))));
        return std::nullopt;
    }
    return objects;
}

} // namespace

int runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Export the workspace's routes, upstreams, services, plugin configs and global rules for production APISIX.\n"
                                                    "The conf/config.yaml lines the target needs are printed on standard error."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("format"), QStringLiteral("apisix-yaml (standalone apisix.yaml), apisix-json (also apisix-configs: the body of PUT /apisix/admin/configs), admin-curl (a script of Admin API calls), or adc (ADC's declarative YAML)."), QStringLiteral("FORMAT")});
    parser.addOption({{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Write to FILE instead of standard output."), QStringLiteral("FILE")});
    addSelectionOptions(parser);
    if (const auto done = parseCommandLine(parser, arguments))
        return *done;
    const auto format = ConfigExport::formatFromName(parser.value(QStringLiteral("format")));
    if (!format) {
        printErr(parser.isSet(QStringLiteral("format"))
                     ? QStringLiteral("unknown --format \"%1\": use apisix-yaml, apisix-json, apisix-configs, admin-curl or adc").arg(parser.value(QStringLiteral("format")))
                     : QStringLiteral("--format is required: apisix-yaml, apisix-json, admin-curl or adc"));
        return 2;
    }
    Workspace workspace;
    const std::optional<ResourceObjects> objects = productionObjects(parser, &workspace);
    if (!objects)
        return 1;
    const QByteArray snippet = ConfigExport::configYamlSnippet(*objects, workspace.runner, workspace.customPlugins());
    std::fprintf(stderr, "%s", snippet.constData());
    QStringList notes;
    const QByteArray text = ConfigExport::render(*format, *objects, &notes);
    for (const QString &note : std::as_const(notes))
        printErr(note);
    if (!parser.isSet(QStringLiteral("output"))) {
        std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
        return 0;
    }
    const QString error = writeFileAtomically(parser.value(QStringLiteral("output")), text);
    if (!error.isEmpty()) {
        printErr(error);
        return 1;
    }
    return 0;
}

int runImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Import an APISIX standalone apisix.yaml or apisix.json, or a running Admin API, into a workspace, with a report of\n"
                                                    "what was imported, what was refused and why (line and column), and what is stored but not run here.\n"
                                                    "Exit status: 0 all imported, 1 nothing imported (unreadable file), 3 some entries refused."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("workspace"), QStringLiteral("Workspace file (default: the default workspace; created if missing)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("format"), QStringLiteral("apisix-yaml, apisix-json, adc or admin-curl (default: from the file's name and content)."), QStringLiteral("FORMAT")});
    parser.addOption({QStringLiteral("replace"), QStringLiteral("The file becomes the whole configuration: the workspace's routes, upstreams, services, plugin configs and global rules are removed first.")});
    parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Report only; the workspace is not written.")});
    parser.addOption({{QStringLiteral("from-admin"), QStringLiteral("admin-url")}, QStringLiteral("Import from a running APISIX (or RouteScope) Admin API instead of a file; the key from APISIX_ADMIN_KEY."), QStringLiteral("URL")});
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("apisix.yaml or apisix.json"));
    if (const auto done = parseCommandLine(parser, arguments))
        return *done;
    const bool fromAdmin = parser.isSet(QStringLiteral("admin-url"));
    if (parser.positionalArguments().size() != (fromAdmin ? 0 : 1)) {
        printErr(QStringLiteral("import takes one file, or --admin-url: routescope import [--workspace W] apisix.yaml"));
        return 2;
    }
    // Where it goes first: its apisix.data_encryption.keyring opens what a production Admin API shows encrypted.
    const QString path = parser.isSet(QStringLiteral("workspace")) ? parser.value(QStringLiteral("workspace")) : Workspace::defaultPath();
    Workspace workspace;
    if (QFile::exists(path)) {
        Workspace::LoadResult loaded = Workspace::load(path);
        if (!loaded.error.isEmpty()) {
            printErr(loaded.error);
            return 1;
        }
        workspace = std::move(loaded.workspace);
    } else {
        workspace = Workspace::createDefault(path);
        printErr(QStringLiteral("creating workspace %1").arg(path));
    }
    // What comes in: a file's text, or every object of a running Admin API.
    QString origin;
    QByteArray text;
    std::optional<ResourceObjects> fetched;
    ConfigImport::Format format = ConfigImport::Format::ApisixYaml;
    if (fromAdmin) {
        const QUrl url(parser.value(QStringLiteral("admin-url")));
        origin = QStringLiteral("from %1").arg(url.toString());
        QString error;
        AdminSync::AdminClient client(url, qgetenv("APISIX_ADMIN_KEY"));
        client.setKeyring(workspace.dataKeyring());
        fetched = client.fetchAll(&error);
        if (!fetched) {
            printErr(QStringLiteral("cannot read %1: %2").arg(url.toString(), error));
            return 1;
        }
    } else {
        origin = parser.positionalArguments().first();
        QFile in(origin);
        if (!in.open(QIODevice::ReadOnly)) {
            printErr(QStringLiteral("cannot open %1: %2").arg(origin, in.errorString()));
            return 1;
        }
        text = in.readAll();
        format = ConfigImport::formatOf(origin, text);
    }
    if (parser.isSet(QStringLiteral("format"))) {
        const auto named = ConfigExport::formatFromName(parser.value(QStringLiteral("format")));
        if (!named) {
            printErr(QStringLiteral("unknown --format \"%1\": use apisix-yaml, apisix-json, adc or admin-curl").arg(parser.value(QStringLiteral("format"))));
            return 2;
        }
        switch (*named) {
        case ConfigExport::Format::ApisixYaml: format = ConfigImport::Format::ApisixYaml; break;
        case ConfigExport::Format::ApisixJson: format = ConfigImport::Format::ApisixJson; break;
        case ConfigExport::Format::Adc: format = ConfigImport::Format::Adc; break;
        case ConfigExport::Format::AdminCurl: format = ConfigImport::Format::AdminCurl; break;
        }
    }
    if (parser.isSet(QStringLiteral("replace")))
        workspace.objects = {};
    const ConfigImport::Report report = fetched ? ConfigImport::readObjects(*fetched, origin, workspace.objects, workspace.customPlugins())
                                                : ConfigImport::read(format, text, workspace.objects, workspace.customPlugins());
    // Written before the report is printed: a reader that stops reading (| head) cannot lose the import.
    const bool write = report.error.isEmpty() && !parser.isSet(QStringLiteral("dry-run"));
    if (write) {
        for (ResourceKind kind : kResourceKinds)
            for (auto it = report.objects.of(kind).begin(); it != report.objects.of(kind).end(); ++it)
                workspace.objects.of(kind).insert(it.key(), it.value());
        if (const QString error = workspace.save(); !error.isEmpty()) {
            printErr(error);
            return 1;
        }
    }
    std::printf("%s: %s\n", qPrintable(origin), qPrintable(ConfigImport::summary(report)));
    if (!report.error.isEmpty())
        return 1;
    if (write)
        std::printf("wrote %s\n", qPrintable(path));
    return report.refused.isEmpty() ? 0 : 3;
}

int runSync(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Bring a running APISIX (or RouteScope) to the workspace's configuration through its Admin API.\n"
                                                    "The key comes from the environment variable APISIX_ADMIN_KEY and is never printed.\n"
                                                    "Exit status: 0 done (or nothing to do), 1 the target could not be read or a change failed."));
    parser.addHelpOption();
    parser.addVersionOption();
    addSelectionOptions(parser);
    parser.addOption({QStringLiteral("admin-url"), QStringLiteral("The target's Admin API, e.g. http://127.0.0.1:9180."), QStringLiteral("URL")});
    parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Print the plan; change nothing.")});
    parser.addOption({QStringLiteral("prune"), QStringLiteral("Delete what the target has and the workspace does not (with --labels: only objects with the label).")});
    if (const auto done = parseCommandLine(parser, arguments))
        return *done;
    const QUrl url(parser.value(QStringLiteral("admin-url")));
    if (!parser.isSet(QStringLiteral("admin-url")) || !url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        printErr(QStringLiteral("--admin-url is required: the target's Admin API, e.g. http://127.0.0.1:9180"));
        return 2;
    }
    Workspace workspace;
    const std::optional<ResourceObjects> desired = productionObjects(parser, &workspace);
    if (!desired)
        return 1;
    AdminSync::AdminClient client(url, qgetenv("APISIX_ADMIN_KEY"));
    client.setKeyring(workspace.dataKeyring());
    QString error;
    const std::optional<ResourceObjects> current = client.fetchAll(&error);
    if (!current) {
        printErr(QStringLiteral("cannot read the target: %1").arg(error));
        return 1;
    }
    const std::optional<AdminSync::Label> label = parser.isSet(QStringLiteral("labels"))
        ? AdminSync::labelFromText(parser.value(QStringLiteral("labels"))) : std::nullopt;
    const AdminSync::Plan plan = AdminSync::planSync(*desired, *current, parser.isSet(QStringLiteral("prune")), label);
    if (parser.isSet(QStringLiteral("dry-run")) || plan.isEmpty()) {
        std::printf("%s\n", qPrintable(plan.text()));
        return 0;
    }
    const qsizetype applied = AdminSync::applyPlan(client, plan, [](const AdminSync::Change &change, const AdminSync::AdminClient::Answer &answer) {
        std::printf("%s: %s\n", qPrintable(change.text()), qPrintable(answer.text()));
    });
    if (applied < plan.changes.size()) {
        printErr(QStringLiteral("stopped at the first failure; %1 change(s) not applied").arg(plan.changes.size() - applied - 1));
        return 1;
    }
    return 0;
}

int runSelfTest(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run the whole path headless: a fresh workspace, the engine, the demo runner and the demo upstream\n"
                                                    "on free loopback ports, one request through the demo route's ext-plugin-post-resp, checked.\n"
                                                    "Exit status 0 when every check passes, 1 otherwise. Needs no display."));
    parser.addHelpOption();
    parser.addVersionOption();
    if (const auto done = parseCommandLine(parser, arguments))
        return *done;
    QTemporaryDir dir;
    if (!dir.isValid()) {
        printErr(QStringLiteral("self-test: no temporary directory: %1").arg(dir.errorString()));
        return 1;
    }
    QCommandLineParser engineArgs;
    addEngineOptions(engineArgs);
    engineArgs.process(QStringList{QStringLiteral("routescope"), QStringLiteral("--workspace"), dir.filePath(QStringLiteral("self-test.json")),
                                   QStringLiteral("--proxy"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0"),
                                   QStringLiteral("--demo-upstream"), QStringLiteral("127.0.0.1:0")});
    int failed = 0;
    const auto check = [&failed](bool ok, const QString &what) {
        std::printf("%s %s\n", ok ? "ok    " : "FAILED", qPrintable(what));
        failed += ok ? 0 : 1;
        return ok;
    };
    Session session;
    session.setCaptureEnabled(true);
    const QString error = session.open(engineArgs);
    if (!check(error.isEmpty(), error.isEmpty() ? QStringLiteral("engine started: proxy %1, Admin API %2, demo upstream %3, runner %4")
                                                            .arg(session.proxyUrl(), session.adminUrl(), session.demoUrl(), session.runnerDescription())
                                                : QStringLiteral("engine: %1").arg(error)))
        return 1;
    // A new workspace's demo upstream object points where the demo upstream listens (a free port here).
    const QString demoAddress = QUrl(session.demoUrl()).authority();
    check(session.store()->toJson(ResourceKind::Upstream).value(QStringLiteral("demo")).toObject().value(QStringLiteral("nodes")).toObject().contains(demoAddress),
          QStringLiteral("the demo upstream object points at %1").arg(demoAddress));
    // The runner is up (it listens) before the request is sent: a post-resp call before that is a 503.
    if (RunnerProcess *runner = session.engine()->runnerProcess()) {
        RunnerProcess::State state = RunnerProcess::State::Starting;
        QElapsedTimer starting;
        starting.start();
        while (starting.elapsed() < 10000) {
            QMetaObject::invokeMethod(runner, [runner, &state] { state = runner->state(); }, Qt::BlockingQueuedConnection);
            if (state == RunnerProcess::State::Ready)
                break;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            QThread::msleep(20);
        }
        check(state == RunnerProcess::State::Ready, QStringLiteral("the demo runner is ready (%1 ms)").arg(starting.elapsed()));
    }
    // One request through the demo route: the demo runner's ext-plugin-A marks the answer.
    QNetworkAccessManager manager;
    QNetworkRequest request(QUrl(session.proxyUrl() + QStringLiteral("/demo/self-test")));
    request.setTransferTimeout(20000);
    QNetworkReply *reply = manager.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    check(status == 200, QStringLiteral("GET /demo/self-test through the proxy: %1").arg(status ? QString::number(status) : reply->errorString()));
    check(reply->rawHeader("X-Ext-Plugin-A") == "executed", QStringLiteral("ext-plugin-post-resp ran the demo runner's ext-plugin-A (X-Ext-Plugin-A: %1)")
                                                               .arg(QString::fromUtf8(reply->rawHeader("X-Ext-Plugin-A"))));
    check(QJsonDocument::fromJson(body).object().value(QStringLiteral("path")).toString() == QLatin1String("/demo/self-test"),
          QStringLiteral("the demo upstream answered for the path sent"));
    reply->deleteLater();
    // The exchange is in the capture, with the runner's frames.
    QElapsedTimer waited;
    waited.start();
    while (session.engine()->capture()->all().isEmpty() && waited.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const QList<ExchangePtr> all = session.engine()->capture()->all();
    check(all.size() == 1 && all.first()->modifiedByRunner && !all.first()->frames.isEmpty(),
          QStringLiteral("the exchange was captured with %1 runner frame(s)").arg(all.isEmpty() ? 0 : all.first()->frames.size()));
    session.engine()->stop();
    std::printf("%s\n", failed ? "self-test FAILED" : "self-test passed");
    return failed ? 1 : 0;
}
