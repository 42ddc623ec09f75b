#include "gui.h"

#include "mainwindow.h"
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
    const int rc = app.exec();
    session.engine()->stop();
    return rc;
}
