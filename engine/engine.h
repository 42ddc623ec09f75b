#pragma once

#include "capturestore.h"
#include "clientsettings.h"
#include "requestparser.h"
#include "runnersettings.h"

#include <QObject>
#include <QString>

#include <memory>

class AdminApi;
class ConfigStore;
class HttpServer;
class Listener;
class ProxyWorker;
class QThread;
class RunnerProcess;

struct EngineOptions
{
    QString proxy = QStringLiteral("127.0.0.1:9080");
    QString admin = QStringLiteral("127.0.0.1:9180");
    QString demoUpstream; // empty: no demo upstream
    int workers = 1;
    QByteArray adminKey;
    bool adminKeyInQuery = false; // also take the key from ?api_key= (AdminApi::setKeyInQuery)
    bool streamRoutes = false;    // production's proxy_mode has "stream": the Admin API takes stream routes
    QString dataEncryptionKey;    // AdminApi::setDataEncryptionKey: production's, as Workspace::dataEncryptionKey gives it
    RequestParser::Limits limits;
    ClientSettings client;
    RunnerSettings runner;
    CaptureStore::Settings capture;
    bool captureEnabled = true;
};

// The engine: proxy listener and workers, Admin API and demo upstream, all off the caller's thread.
// Listeners live on a control thread; each worker has its own thread and event loop.
class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(ConfigStore *store, QObject *parent = nullptr);
    ~Engine() override;

    // Binds every listener; on failure returns a message naming the address, and nothing runs.
    QString start(const EngineOptions &options);
    // Stops everything; with `finalCapture`, hands over what the capture holds once the last exchange in
    // flight has ended (each ended once, as "the engine stopped during <step>" if it had to be cut).
    void stop(QList<ExchangePtr> *finalCapture = nullptr);

    quint16 proxyPort() const { return m_proxyPort; }
    quint16 adminPort() const { return m_adminPort; }
    quint16 demoPort() const { return m_demoPort; }
    // A demo upstream that could not bind is not fatal: this says why it is missing.
    QString demoWarning() const { return m_demoWarning; }
    // The runner process, when the engine starts one (lives on the control thread).
    RunnerProcess *runnerProcess() const { return m_runnerProcess; }
    std::shared_ptr<RunnerEndpoint> runnerEndpoint() const { return m_endpoint; }
    // Completed exchanges (lives on the control thread; its signals reach any thread queued).
    CaptureStore *capture() const { return m_capture; }

private:
    ConfigStore *m_store;
    QThread *m_control = nullptr;
    QList<QThread *> m_workerThreads;
    QList<ProxyWorker *> m_workers;
    Listener *m_listener = nullptr;
    HttpServer *m_admin = nullptr;
    HttpServer *m_demo = nullptr;
    std::shared_ptr<AdminApi> m_api;
    std::shared_ptr<RunnerEndpoint> m_endpoint;
    RunnerProcess *m_runnerProcess = nullptr;
    CaptureStore *m_capture = nullptr;
    quint16 m_proxyPort = 0;
    quint16 m_adminPort = 0;
    quint16 m_demoPort = 0;
    QString m_demoWarning;
};

// Splits "host:port" ("[v6]:port" too); false if it is not one.
bool parseHostPort(const QString &text, QString *host, quint16 *port);
