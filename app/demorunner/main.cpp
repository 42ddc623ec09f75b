// routescope-demo-runner: a Plugin Runner for APISIX's ext-plugin-* built with RouteScope, so the
// feature works with nothing else installed. It follows the APISIX runner conventions: the socket comes
// from APISIX_LISTEN_ADDRESS (unix:/path), tokens expire after APISIX_CONF_EXPIRE_TIME seconds, a stale
// socket is removed, SIGTERM exits cleanly.
#include "../quitsignals.h"
#include "epolldispatcher.h"
#include "runnerserver.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstring>

int main(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            std::printf("Usage: APISIX_LISTEN_ADDRESS=unix:/path/to/runner.sock routescope-demo-runner\n"
                        "A Plugin Runner for ext-plugin-pre-req/-post-req/-post-resp. Plugins (conf names):\n"
                        "ext-plugin-A, response-headers, rewrite, stop, body, status, vars, req-body, noop.\n");
            return 0;
        }
        if (!std::strcmp(argv[i], "--version") || !std::strcmp(argv[i], "-v")) {
            std::printf("routescope-demo-runner %s\n", ROUTESCOPE_VERSION);
            return 0;
        }
        std::fprintf(stderr, "routescope-demo-runner: unknown argument %s\n", argv[i]);
        return 2;
    }
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1"); // the plain UNIX event dispatcher answers sooner
    QCoreApplication::setEventDispatcher(new EpollDispatcher); // one epoll_wait per turn
    QCoreApplication app(argc, argv);
    const QString address = qEnvironmentVariable("APISIX_LISTEN_ADDRESS");
    if (!address.startsWith(QLatin1String("unix:"))) {
        std::fprintf(stderr, "routescope-demo-runner: APISIX_LISTEN_ADDRESS must be unix:/path (got \"%s\")\n", qPrintable(address));
        return 2;
    }
    bool ok = false;
    int expire = qEnvironmentVariableIntValue("APISIX_CONF_EXPIRE_TIME", &ok);
    if (!ok || expire <= 0)
        expire = 3600;
    RunnerServer server(expire);
    const QString error = server.listen(address.mid(5));
    if (!error.isEmpty()) {
        std::fprintf(stderr, "routescope-demo-runner: %s\n", qPrintable(error));
        return 1;
    }
    quitOnTermination(); // SIGTERM: close the socket, remove it, exit 0
    std::printf("routescope-demo-runner listening on %s (conf expire %d s)\n", qPrintable(address), expire);
    std::fflush(stdout);
    const int rc = QCoreApplication::exec();
    server.close();
    std::printf("routescope-demo-runner stopped\n");
    return rc;
}
