#include "gui.h"

#include "benchmonitor.h"
#include "mainwindow.h"
#include "quitsignals.h"
#include "session.h"
#include "trafficpanel.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>
#include <QSettings>

#include <cstdio>
#include <memory>

namespace {
void rememberRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentWorkspaces")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(QStringLiteral("recentWorkspaces"), recent.mid(0, 8));
}

struct WindowRun
{
    int exitCode = 0;
    QString failed;        // the workspace could not be opened: why
    QString reopen;        // the user chose another workspace
    QString workspacePath; // the one that was open
};

// One window on one workspace, until the user quits or opens another workspace.
WindowRun runWindow(const QCommandLineParser &parser, const QString &workspace)
{
    WindowRun run;
    Session session;
    const QString error = session.open(parser, workspace);
    if (!error.isEmpty()) {
        run.failed = error;
        return run;
    }
    run.workspacePath = session.workspace().path;
    std::printf("%s\n", qPrintable(session.startupSummary()));
    std::fflush(stdout);
    rememberRecent(session.workspace().path);
    MainWindowInfo info{session.workspace().pluginCatalogue, session.workspace().path, session.proxyUrl(), session.adminUrl(),
                        session.demoUrl(), session.engine()->proxyPort(), session.runnerDescription(),
                        session.workspace().runner, session.workspace().customPlugins(), session.adminKey(),
                        session.workspace().dataKeyring()};
    MainWindow window(session.store(), session.engine()->capture(), session.engine()->runnerProcess(), info);
    window.show();
    std::unique_ptr<BenchMonitor> bench;
    if (parser.isSet(QStringLiteral("bench-report")) && session.engine()->capture())
        bench = std::make_unique<BenchMonitor>(session.engine()->capture(), window.traffic(), parser.value(QStringLiteral("bench-report")),
                                               parser.isSet(QStringLiteral("bench-show-latest")));
    QObject::connect(&session, &Session::saveFailed, &window, [&window](const QString &why) {
        QMessageBox::warning(&window, QStringLiteral("RouteScope"), QStringLiteral("The workspace could not be saved:\n%1").arg(why));
    });
    QObject::connect(&window, &MainWindow::openWorkspaceRequested, &window, [&run, &window](const QString &path) {
        run.reopen = path;
        window.close();
    });
    QObject::connect(&window, &MainWindow::saveWorkspaceAsRequested, &session, [&session](const QString &path) {
        session.saveAs(path);
        rememberRecent(path);
    });
    run.exitCode = QApplication::exec();
    if (bench) {
        const QString why = bench->writeReport();
        if (!why.isEmpty())
            std::fprintf(stderr, "routescope: %s\n", qPrintable(why));
    }
    session.engine()->stop();
    return run;
}
} // namespace

int runGui(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/routescope.svg")));
    QApplication::setDesktopFileName(QStringLiteral("routescope"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "RouteScope: route manager and traffic inspector for Apache APISIX.\n"
        "Commands: routescope [options] (the window), routescope serve [options], routescope validate FILE,\n"
        "routescope export [options], routescope import [options] FILE, routescope sync [options],\n"
        "routescope --self-test (each with --help)."));
    parser.addHelpOption();
    parser.addVersionOption();
    addEngineOptions(parser);
    // tests/bench/inspector_load.sh's own options: taken, not listed in --help.
    QCommandLineOption benchReport(QStringLiteral("bench-report"), QStringLiteral("Benchmark mode: measure GUI stalls and memory, write a JSON report at exit."), QStringLiteral("FILE"));
    QCommandLineOption benchShowLatest(QStringLiteral("bench-show-latest"), QStringLiteral("Benchmark mode: keep selecting the newest exchange and showing its body tabs."));
    benchReport.setFlags(QCommandLineOption::HiddenFromHelp);
    benchShowLatest.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(benchReport);
    parser.addOption(benchShowLatest);
    parser.process(app); // --help/--version print and exit; bad usage exits non-zero
    quitOnTermination();
    QString workspace;
    QString previous;
    while (true) {
        const WindowRun run = runWindow(parser, workspace);
        if (!run.failed.isEmpty()) {
            std::fprintf(stderr, "routescope: %s\n", qPrintable(run.failed));
            QMessageBox::critical(nullptr, QStringLiteral("RouteScope"), run.failed);
            if (previous.isEmpty())
                return 1;
            workspace = previous; // back to the one that worked; the unreadable file is left as it is
            previous.clear();
            continue;
        }
        if (run.reopen.isEmpty())
            return run.exitCode;
        previous = run.workspacePath;
        workspace = run.reopen;
    }
}
