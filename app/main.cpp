#include "commands.h"

#ifdef ROUTESCOPE_WITH_GUI
#include "gui.h"
#endif

#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <malloc.h>

int main(int argc, char *argv[])
{
    // Big buffers (bodies, 16 MiB runner frames) are mapped and unmapped on their own: glibc would
    // otherwise raise its threshold after the first big free and keep such memory resident for good
    // (20 concurrent 15 MB bodies through a runner: 800 MiB still resident after, 22 MiB with this).
    // A fixed threshold also fixes the trim threshold, which glibc would have raised: keep a few MiB of
    // freed heap instead of giving it back (and faulting it in again) between requests.
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
    const char *command = argc > 1 ? argv[1] : "";
    const bool headless = !std::strcmp(command, "serve") || !std::strcmp(command, "validate")
        || !std::strcmp(command, "export") || !std::strcmp(command, "import") || !std::strcmp(command, "sync")
        || !std::strcmp(command, "self-test") || !std::strcmp(command, "--self-test");
    // Qt's plain UNIX event dispatcher costs less per socket event than the GLib one (about 15% more
    // proxied requests per second in tests/bench/proxy_vs_nginx.sh); the user can still choose.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication::setApplicationName(QStringLiteral("routescope"));
    QCoreApplication::setOrganizationName(QStringLiteral("RouteScope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ROUTESCOPE_VERSION));
    if (headless) {
        QCoreApplication app(argc, argv);
        QStringList args = app.arguments();
        args.removeAt(1); // the subcommand
        if (!std::strcmp(command, "serve"))
            return runServe(args);
        if (!std::strcmp(command, "validate"))
            return runValidate(args);
        if (!std::strcmp(command, "export"))
            return runExport(args);
        if (!std::strcmp(command, "import"))
            return runImport(args);
        if (!std::strcmp(command, "sync"))
            return runSync(args);
        if (!std::strcmp(command, "self-test") || !std::strcmp(command, "--self-test"))
            return runSelfTest(args);
        std::fprintf(stderr, "routescope: '%s' is not available yet\n", command);
        return 1;
    }
#ifdef ROUTESCOPE_WITH_GUI
    for (int i = 1; i < argc; ++i) { // --help and --version must work without a display
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--version")
            || !std::strcmp(argv[i], "-v"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    return runGui(argc, argv);
#else
    if (!std::strcmp(command, "--version") || !std::strcmp(command, "-v")) {
        std::printf("routescope %s\n", ROUTESCOPE_VERSION);
        return 0;
    }
    if (!std::strcmp(command, "--help") || !std::strcmp(command, "-h")) {
        std::printf("Usage: routescope serve [options] | routescope validate FILE | routescope export [options]\n"
                    "     | routescope import [options] FILE | routescope sync [options] | routescope --self-test\n"
                    "(this build has no window)\n"
                    "Run 'routescope COMMAND --help' for a command's options.\n");
        return 0;
    }
    std::fprintf(stderr, "routescope: built without the GUI; use 'routescope serve' or 'routescope validate'\n");
    return 2;
#endif
}
