#include "gui.h"

#include "benchmonitor.h"
#include "mainwindow.h"
#include "quitsignals.h"
#include "trafficpanel.h"
#include "session.h"

#include <QApplication>
#include <QMessageBox>
#include <QSettings>

#include <cstdio>

namespace {
void rememberRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentWorkspaces")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(QStringLiteral("recentWorkspaces"), recent.mid(0, 8));
}
} // namespace

int runGui(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "RouteScope: route manager and traffic inspector for Apache APISIX.\n"
        "Commands: routescope [options] (the window), routescope serve [options], routescope validate FILE."));
    parser.addHelpOption();
    parser.addVersionOption();
    addEngineOptions(parser);
    parser.addOption({QStringLiteral("bench-report"), QStringLiteral("Benchmark mode: measure GUI stalls and memory, write a JSON report at exit."), QStringLiteral("FILE")});
    parser.process(app); // --help/--version print and exit; bad usage exits non-zero
    QString workspaceOverride;
    int rc = 0;
    while (true) { // File > Open workspace restarts the engine on the other file
    Session session;
    const QString error = session.open(parser, workspaceOverride);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "routescope: %s\n", qPrintable(error));
        QMessageBox::critical(nullptr, QStringLiteral("RouteScope"), error);
        return 1;
    }
    std::printf("%s\n", qPrintable(session.startupSummary()));
    std::fflush(stdout);
    MainWindowInfo info{session.workspace().pluginCatalogue, session.workspace().path, session.proxyUrl(), session.adminUrl(),
                        session.demoUrl(), session.engine()->proxyPort(), session.runnerDescription()};
    rememberRecent(session.workspace().path);
    MainWindow window(session.store(), session.engine()->capture(), session.engine()->runnerProcess(), info);
    window.show();
    std::unique_ptr<BenchMonitor> bench;
    if (parser.isSet(QStringLiteral("bench-report")) && session.engine()->capture())
        bench = std::make_unique<BenchMonitor>(session.engine()->capture(), window.traffic()->model(), parser.value(QStringLiteral("bench-report")));
    QObject::connect(&session, &Session::saveFailed, &window, [&window](const QString &error) {
        QMessageBox::warning(&window, QStringLiteral("RouteScope"), QStringLiteral("The workspace could not be saved:\n%1").arg(error));
    });
    QString reopen;
    QObject::connect(&window, &MainWindow::openWorkspaceRequested, &window, [&reopen, &window](const QString &path) {
        reopen = path;
        window.close();
    });
    QObject::connect(&window, &MainWindow::saveWorkspaceAsRequested, &session, [&session](const QString &path) {
        session.saveAs(path);
        rememberRecent(path);
    });
    quitOnTermination();
    rc = app.exec();
    if (bench) {
        const QString error = bench->writeReport();
        if (!error.isEmpty())
            std::fprintf(stderr, "routescope: %s\n", qPrintable(error));
    }
    session.engine()->stop();
    if (reopen.isEmpty())
        break;
    workspaceOverride = reopen;
    }
    return rc;
}
