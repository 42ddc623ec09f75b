#include "engine.h"

#include "adminapi.h"
#include "configstore.h"
#include "demoupstream.h"
#include "httpserver.h"
#include "listener.h"
#include "proxyworker.h"
#include "runnerprocess.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QThread>

#include <sys/resource.h>

#include "epolldispatcher.h"

bool parseHostPort(const QString &text, QString *host, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535)
        return false;
    QString h = text.left(colon);
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    if (h == QLatin1String("localhost"))
        h = QStringLiteral("127.0.0.1");
    if (QHostAddress(h).isNull())
        return false;
    *host = h;
    *port = quint16(p);
    return true;
}

namespace {
// Runs `fn` on `target`'s thread and waits for it.
template<typename Fn>
void runOn(QObject *target, Fn fn)
{
    if (target->thread() == QThread::currentThread())
        fn();
    else
        QMetaObject::invokeMethod(target, fn, Qt::BlockingQueuedConnection);
}

QString listenOn(Acceptor *server, const QString &address, const char *what, quint16 *boundPort)
{
    QString host;
    quint16 port = 0;
    if (!parseHostPort(address, &host, &port))
        return QStringLiteral("invalid %1 address \"%2\": expected HOST:PORT").arg(QLatin1String(what), address);
    QString error;
    runOn(server, [&] {
        if (server->listen(QHostAddress(host), port))
            *boundPort = server->serverPort();
        else
            error = QStringLiteral("cannot listen for the %1 on %2: %3").arg(QLatin1String(what), address, server->errorString());
    });
    if (!error.isEmpty() && port != 0) {
        // The next port that is free on that address, offered with the option that takes it.
        for (quint16 next = port + 1; next != 0 && next <= port + 100; ++next) {
            QTcpServer probe;
            if (!probe.listen(QHostAddress(host), next))
                continue;
            const QString option = QLatin1String(what) == QLatin1String("proxy") ? QStringLiteral("--proxy")
                                 : QLatin1String(what) == QLatin1String("Admin API") ? QStringLiteral("--admin") : QStringLiteral("--demo-upstream");
            error += QStringLiteral(" (%1:%2 is free: %3 %1:%2)").arg(host).arg(next).arg(option);
            break;
        }
    }
    return error;
}

// As APISIX's worker_rlimit_nofile (20480): the soft descriptor limit raised as far as the hard one lets.
// A proxied request holds two descriptors (client and upstream), so worker_connections needs twice its
// number; when the limit is lower, accepting pauses at EMFILE (see Acceptor) and this says so up front.
void raiseDescriptorLimit(int maxConnections)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return;
    constexpr rlim_t kWanted = 20480;
    if (limit.rlim_cur < kWanted) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? kWanted : qMin<rlim_t>(kWanted, limit.rlim_max);
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    const rlim_t needed = rlim_t(maxConnections) * 2 + 64;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
        qWarning("the descriptor limit is %llu: fewer than worker_connections %d need (%llu); past it, accepting "
                 "pauses for %d ms at a time", (unsigned long long)limit.rlim_cur, maxConnections,
                 (unsigned long long)needed, Acceptor::kRetryMs);
}
} // namespace

Engine::Engine(ConfigStore *store, QObject *parent)
    : QObject(parent), m_store(store)
{
}

Engine::~Engine()
{
    stop();
}

QString Engine::start(const EngineOptions &options)
{
    stop();
    raiseDescriptorLimit(options.client.maxConnections);
    m_control = new QThread;
    m_control->setObjectName(QStringLiteral("engine-control"));
    m_control->start();
    m_endpoint = std::make_shared<RunnerEndpoint>(options.runner);
    if (options.runner.cmd.isEmpty() && !options.runner.socketPath.isEmpty())
        m_endpoint->setSocketPath(options.runner.socketPath); // a runner the user started (path_for_test)
    if (options.captureEnabled) {
        m_capture = new CaptureStore(options.capture);
        m_capture->moveToThread(m_control);
    }
    for (int i = 0; i < qMax(1, options.workers); ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("engine-worker-%1").arg(i));
        thread->setEventDispatcher(new EpollDispatcher); // one epoll_wait per turn for all its sockets
        auto *worker = new ProxyWorker(m_store, options.limits, options.client, m_endpoint, m_capture);
        worker->moveToThread(thread);
        QObject::connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        m_workerThreads.append(thread);
        m_workers.append(worker);
    }
    m_listener = new Listener(m_workers);
    m_listener->setMaxConnections(options.client.maxConnections);
    m_listener->moveToThread(m_control);
    m_api = std::make_shared<AdminApi>(m_store, options.adminKey);
    const QString adminHost = options.admin.left(options.admin.lastIndexOf(QLatin1Char(':')));
    m_api->setLoopbackOnly(isLoopbackHost(adminHost.toLatin1()));
    m_api->setKeyInQuery(options.adminKeyInQuery);
    m_api->setStreamMode(options.streamRoutes);
    m_api->setDataEncryptionKey(options.dataEncryptionKey);
    auto api = m_api;
    RequestParser::Limits adminLimits = options.limits;
    adminLimits.maxBodyBytes = AdminApi::kMaxBodyBytes; // a chunked body past it: 413 as soon as it is
    m_admin = new HttpServer([api](const LocalRequest &r) {
        const AdminReply a = api->handle(r.request);
        LocalReply reply;
        reply.status = a.status;
        reply.headers.add("Content-Type", a.json ? "application/json" : "text/plain");
        if (a.versioned)
            reply.headers.add("X-API-VERSION", "v3");
        if (!a.body.isEmpty())
            reply.body = a.body + '\n';
        return reply;
    }, adminLimits);
    // Nobody's body is read before the key checks out, nor one longer than APISIX reads.
    m_admin->setHeadCheck([api](const HttpRequest &head, QByteArray *why) {
        const AdminApi::Refusal refused = api->checkHead(head);
        *why = refused.message.toUtf8();
        return refused.status;
    });
    m_admin->moveToThread(m_control);

    QString error = listenOn(m_listener, options.proxy, "proxy", &m_proxyPort);
    if (error.isEmpty())
        error = listenOn(m_admin, options.admin, "Admin API", &m_adminPort);
    if (!error.isEmpty()) {
        stop();
        return error;
    }
    if (!options.runner.cmd.isEmpty()) {
        m_runnerProcess = new RunnerProcess(m_endpoint);
        m_runnerProcess->moveToThread(m_control);
        runOn(m_runnerProcess, [this, &error] { error = m_runnerProcess->start(); });
        if (!error.isEmpty()) {
            stop();
            return error;
        }
    }
    if (!options.demoUpstream.isEmpty()) {
        m_demo = new HttpServer([this](const LocalRequest &r) { return demoUpstreamReply(r, m_demoPort); }, options.limits);
        m_demo->moveToThread(m_control);
        m_demoWarning = listenOn(m_demo, options.demoUpstream, "demo upstream", &m_demoPort);
    }
    return {};
}

void Engine::stop(QList<ExchangePtr> *finalCapture)
{
    if (!m_control)
        return;
    if (m_runnerProcess) {
        RunnerProcess *p = m_runnerProcess;
        runOn(p, [p] {
            p->stop(); // SIGTERM, SIGKILL after 1 s, socket removed
            p->deleteLater();
        });
        m_runnerProcess = nullptr;
    }
    for (Acceptor *server : {static_cast<Acceptor *>(m_listener), static_cast<Acceptor *>(m_admin), static_cast<Acceptor *>(m_demo)}) {
        if (server)
            runOn(server, [server] {
                server->close();
                server->deleteLater(); // deleted when the control thread finishes below
            });
    }
    m_listener = nullptr;
    m_admin = nullptr;
    m_demo = nullptr;
    for (QThread *t : std::as_const(m_workerThreads)) {
        t->quit();
        t->wait();
        delete t;
    }
    m_workerThreads.clear();
    m_workers.clear();
    if (m_capture) {
        CaptureStore *c = m_capture;
        if (finalCapture)
            runOn(c, [c, finalCapture] {
                c->flush();
                *finalCapture = c->all();
            });
        runOn(c, [c] { c->deleteLater(); });
        m_capture = nullptr;
    }
    m_control->quit();
    m_control->wait();
    delete m_control;
    m_control = nullptr;
    m_proxyPort = m_adminPort = m_demoPort = 0;
}
