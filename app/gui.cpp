#include "gui.h"

#include "benchmonitor.h"
#include "mainwindow.h"
#include "quitsignals.h"
#include "trafficpanel.h"
#include "session.h"

#include <QApplication>
#include <QMessageBox>

#include <cstdio>

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
    Session session;
    const QString error = session.open(parser);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "routescope: %s\n", qPrintable(error));
        QMessageBox::critical(nullptr, QStringLiteral("RouteScope"), error);
        return 1;
    }
    std::printf("%s\n", qPrintable(session.startupSummary()));
    std::fflush(stdout);
    MainWindowInfo info{session.workspace().path, session.proxyUrl(), session.adminUrl(), session.demoUrl(),
                        session.engine()->proxyPort(), session.runnerDescription()};
    MainWindow window(session.store(), session.engine()->capture(), session.engine()->runnerProcess(), info);
    window.show();
    std::unique_ptr<BenchMonitor> bench;
    if (parser.isSet(QStringLiteral("bench-report")) && session.engine()->capture())
        bench = std::make_unique<BenchMonitor>(session.engine()->capture(), window.traffic()->model(), parser.value(QStringLiteral("bench-report")));
    quitOnTermination();
    const int rc = app.exec();
    if (bench) {
        const QString error = bench->writeReport();
        if (!error.isEmpty())
            std::fprintf(stderr, "routescope: %s\n", qPrintable(error));
    }
    session.engine()->stop();
    return rc;
}
