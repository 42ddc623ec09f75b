#include "session.h"

#include "adminapi.h"
#include "runnerprocess.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QUrl>

void addEngineOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("workspace"), QStringLiteral("Workspace file (created with defaults if missing)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("proxy"), QStringLiteral("Proxy listen address (default 127.0.0.1:9080)."), QStringLiteral("HOST:PORT")});
    parser.addOption({QStringLiteral("admin"), QStringLiteral("Admin API listen address (default 127.0.0.1:9180)."), QStringLiteral("HOST:PORT")});
    parser.addOption({QStringLiteral("workers"), QStringLiteral("Proxy worker threads (default 1)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("demo-upstream"), QStringLiteral("Built-in demo upstream address, or \"off\" (default 127.0.0.1:1980)."), QStringLiteral("HOST:PORT")});
    parser.addOption({QStringLiteral("runner-cmd"), QStringLiteral("Plugin Runner to start, as a command line (split like a shell, run without one)."), QStringLiteral("CMD")});
    parser.addOption({QStringLiteral("runner-socket"), QStringLiteral("Use the Plugin Runner already listening on this Unix socket."), QStringLiteral("PATH")});
}

Session::Session()
    : m_engine(&m_store)
{
    // Direct: the change is on disk before the Admin API (or the editor) hears back, like APISIX and etcd.
    // It runs on whichever thread made the change, hence the lock in save().
    connect(&m_store, &ConfigStore::changed, this, &Session::onChanged, Qt::DirectConnection);
}

Session::~Session()
{
    if (m_journal.entries() > 0)
        save(); // the workspace whole again, the journal gone
}

QString Session::open(const QCommandLineParser &args, const QString &workspaceOverride)
{
    const QString path = !workspaceOverride.isEmpty() ? workspaceOverride
        : args.isSet(QStringLiteral("workspace"))    ? args.value(QStringLiteral("workspace"))
                                                     : Workspace::defaultPath();
    bool dirty = false;
    bool created = false; // a new workspace, made here
    if (QFileInfo::exists(path)) {
        Workspace::LoadResult loaded = Workspace::load(path);
        if (!loaded.error.isEmpty())
            return loaded.error + QStringLiteral("\nThe file was left as it is.");
        m_workspace = loaded.workspace;
        for (const QString &warning : std::as_const(loaded.warnings))
            m_notes << QStringLiteral("warning: %1").arg(warning);
        if (loaded.journalApplied > 0) {
            m_notes << QStringLiteral("applied %1 change(s) from %2").arg(loaded.journalApplied).arg(WorkspaceJournal::pathFor(path));
            dirty = true;
        }
        if (!loaded.journalProblem.isEmpty()) {
            const QString aside = WorkspaceJournal::pathFor(path) + QStringLiteral(".broken");
            QFile::remove(aside);
            QFile::rename(WorkspaceJournal::pathFor(path), aside);
            m_notes << QStringLiteral("warning: %1 (kept as %2)").arg(loaded.journalProblem, aside);
            dirty = true;
        }
    } else {
        m_workspace = Workspace::createDefault(path);
        m_notes << QStringLiteral("created workspace %1").arg(path);
        dirty = true;
        created = true;
    }
    const QByteArray envKey = qgetenv("ROUTESCOPE_ADMIN_KEY");
    if (!envKey.isEmpty() && dirty)
        m_workspace.adminKey.clear(); // the environment provides the key: none is generated into a new file
    if (m_workspace.adminKey.isEmpty() && envKey.isEmpty()) {
        m_workspace.adminKey = QString::fromLatin1(generateAdminKey());
        m_notes << QStringLiteral("generated an Admin API key, kept as \"admin_key\" in %1").arg(path);
        dirty = true;
    }
    const QJsonObject apisix = m_workspace.extra.value(QStringLiteral("apisix")).toObject(); // production's config.yaml values
    m_store.setCustomPlugins(m_workspace.customPlugins());
    m_loading = true;
    const Problems problems = m_store.load(m_workspace.objects);
    m_loading = false;
    m_workspace.keepRefused(m_store); // not run, but kept in the file: a save loses nothing
    for (const Problem &p : problems)
        m_notes << QStringLiteral("%1 %2: %3").arg(p.isError() ? QStringLiteral("skipped (kept in the workspace file)") : QStringLiteral("warning"), p.pointer, p.shown());

    EngineOptions &options = m_options;
    options.proxy = args.isSet(QStringLiteral("proxy")) ? args.value(QStringLiteral("proxy")) : m_workspace.proxy;
    options.admin = args.isSet(QStringLiteral("admin")) ? args.value(QStringLiteral("admin")) : m_workspace.admin;
    options.demoUpstream = args.isSet(QStringLiteral("demo-upstream")) ? args.value(QStringLiteral("demo-upstream")) : m_workspace.demoUpstream;
    if (options.demoUpstream == QLatin1String("off"))
        options.demoUpstream.clear();
    options.workers = args.isSet(QStringLiteral("workers")) ? args.value(QStringLiteral("workers")).toInt() : m_workspace.workers;
    if (options.workers < 1 || options.workers > 64)
        return QStringLiteral("--workers takes a number from 1 to 64");
    options.adminKey = envKey.isEmpty() ? m_workspace.adminKey.toUtf8() : envKey;
    options.adminKeyInQuery = m_workspace.adminKeyInQuery;
    if (!envKey.isEmpty())
        m_notes << QStringLiteral("Admin API key taken from ROUTESCOPE_ADMIN_KEY");
    RunnerSettings runner = RunnerSettings::fromJson(m_workspace.runner);
    if (args.isSet(QStringLiteral("runner-cmd"))) {
        if (!splitCommandLine(args.value(QStringLiteral("runner-cmd")), &runner.cmd) || runner.cmd.isEmpty())
            return QStringLiteral("--runner-cmd: cannot split \"%1\" into a command (unterminated quote?)").arg(args.value(QStringLiteral("runner-cmd")));
        runner.socketPath.clear();
    }
    if (args.isSet(QStringLiteral("runner-socket"))) {
        runner.socketPath = args.value(QStringLiteral("runner-socket"));
        runner.cmd.clear();
    }
    // The demo runner ships beside routescope: a bare name finds it there first.
    if (!runner.cmd.isEmpty() && runner.cmd.first() == QLatin1String("routescope-demo-runner")) {
        const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/routescope-demo-runner");
        if (QFileInfo::exists(beside))
            runner.cmd.first() = beside;
    }
    options.runner = runner;
    QStringList httpProblems;
    options.client = ClientSettings::fromJson(m_workspace.http, &httpProblems);
    options.client.readApisix(apisix, &httpProblems);
    const QString proxyMode = apisix.value(QStringLiteral("proxy_mode")).toString(QStringLiteral("http"));
    if (proxyMode != QLatin1String("http") && proxyMode != QLatin1String("stream") && proxyMode != QLatin1String("http&stream"))
        httpProblems << QStringLiteral("apisix.proxy_mode \"%1\" is not http, stream or http&stream: http is used").arg(proxyMode);
    options.dataEncryptionKey = m_workspace.dataEncryptionKey();
    options.streamRoutes = proxyMode == QLatin1String("stream") || proxyMode == QLatin1String("http&stream");
    for (const QString &problem : std::as_const(httpProblems))
        m_notes << QStringLiteral("warning: %1").arg(problem);
    options.capture.budgetBytes = qint64(m_workspace.captureBudgetMiB) * 1024 * 1024;
    options.capture.bodyCapBytes = qint64(m_workspace.captureBodyCapKiB) * 1024;
    if (!runner.cmd.isEmpty())
        m_notes << QStringLiteral("runner      %1").arg(runner.cmd.join(QLatin1Char(' ')));
    else if (!runner.socketPath.isEmpty())
        m_notes << QStringLiteral("runner      unix:%1 (started by you)").arg(runner.socketPath);

    const QString error = m_engine.start(options);
    if (!error.isEmpty())
        return error;
    if (RunnerProcess *process = m_engine.runnerProcess()) {
        connect(process, &RunnerProcess::outputLine, this, [](const QString &stream, const QString &line) {
            qInfo("runner %s: %s", qPrintable(stream), qPrintable(line));
        });
    }
    if (const QString host = options.admin.left(options.admin.lastIndexOf(QLatin1Char(':'))); !isLoopbackHost(host.toLatin1()))
        m_notes << QStringLiteral("warning: the Admin API listens on %1, beyond loopback: every host that reaches it and holds the key "
                                  "can change the gateway").arg(options.admin);
    if (!m_engine.demoWarning().isEmpty())
        m_notes << QStringLiteral("warning: %1 (the demo route will answer 502)").arg(m_engine.demoWarning());
    pointDemoUpstream(created);
    if (dirty)
        save();
    return {};
}

void Session::pointDemoUpstream(bool created)
{
    // The demo upstream object names 127.0.0.1:1980; the demo upstream may listen elsewhere (--demo-upstream).
    const auto snap = m_store.snapshot();
    const auto demo = snap->upstreams.constFind(QStringLiteral("demo"));
    if (!m_engine.demoPort() || demo == snap->upstreams.cend())
        return;
    const QString listening = QUrl(demoUrl()).authority();
    const QJsonObject nodes = demo->value.value(QStringLiteral("nodes")).toObject();
    if (nodes.contains(listening))
        return;
    if (!created) { // the user's own configuration: said, not changed
        m_notes << QStringLiteral("note: the demo upstream listens on %1 but upstream \"demo\" points elsewhere: the demo route answers 502 until they agree")
                       .arg(listening);
        return;
    }
    QJsonObject value = demo->value;
    value.insert(QStringLiteral("nodes"), QJsonObject{{listening, 1}});
    m_store.put(ResourceKind::Upstream, QStringLiteral("demo"), value); // a new workspace: its demo upstream is where it runs
}

namespace {
QString url(const QString &address, quint16 port)
{
    QString host;
    quint16 ignored = 0;
    parseHostPort(address, &host, &ignored);
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2").arg(host).arg(port);
}
} // namespace

QString Session::proxyUrl() const
{
    return url(m_options.proxy, m_engine.proxyPort());
}

QString Session::adminUrl() const
{
    return url(m_options.admin, m_engine.adminPort()) + QStringLiteral("/apisix/admin");
}

QString Session::demoUrl() const
{
    return m_engine.demoPort() ? url(m_options.demoUpstream, m_engine.demoPort()) : QString();
}

QString Session::runnerDescription() const
{
    const RunnerSettings &r = m_options.runner;
    if (!r.cmd.isEmpty())
        return QFileInfo(r.cmd.first()).fileName();
    if (!r.socketPath.isEmpty())
        return QStringLiteral("unix:%1").arg(r.socketPath);
    return {};
}

QString Session::startupSummary() const
{
    QStringList lines = m_notes;
    lines << QStringLiteral("workspace   %1").arg(m_workspace.path);
    lines << QStringLiteral("proxy       %1").arg(proxyUrl());
    lines << QStringLiteral("admin API   %1").arg(adminUrl());
    if (m_engine.demoPort())
        lines << QStringLiteral("demo        %1 (upstream of the route /demo/*)").arg(demoUrl());
    return lines.join(QLatin1Char('\n'));
}

void Session::saveAs(const QString &path)
{
    {
        QMutexLocker lock(&m_saveMutex);
        m_workspace.path = path;
    }
    save();
}

void Session::save()
{
    QMutexLocker lock(&m_saveMutex);
    saveLocked();
}

void Session::saveLocked()
{
    if (m_loading)
        return;
    m_workspace.takeConfigFrom(m_store);
    const QString error = m_workspace.save();
    if (!error.isEmpty()) {
        qWarning("%s", qPrintable(error));
        Q_EMIT saveFailed(error);
        return; // the journal still holds what the file lacks
    }
    m_journal.clear(m_workspace.path);
}

void Session::onChanged(ResourceKind kind, const QString &id)
{
    QMutexLocker lock(&m_saveMutex);
    if (m_loading)
        return;
    if (!id.isEmpty())
        m_workspace.forgetRefused(kind, id);
    // A journal needs its workspace file: before the first save (a new workspace) or after the file was
    // removed, the workspace is written whole.
    if (id.isEmpty() || m_journal.entries() >= kCompactEntries || m_journal.bytes() >= kCompactBytes || !QFileInfo::exists(m_workspace.path)) {
        saveLocked();
        return;
    }
    const auto snap = m_store.snapshot();
    const auto &map = snap->of(kind);
    const auto it = map.constFind(id);
    const QString error = m_journal.append(m_workspace.path, kind, id, it == map.constEnd() ? nullptr : &it->value);
    if (!error.isEmpty()) {
        qWarning("%s; writing the workspace whole instead", qPrintable(error));
        saveLocked();
    }
}
