#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QMainWindow>
#include <QPointer>
#include <QStringList>

class RunnerLog;
class CaptureStore;
class ConfigStore;
class QLabel;
class RoutesModel;
class RoutesPanel;
class RunnerProcess;
class TrafficPanel;
class UserGuide;

struct MainWindowInfo
{
    QJsonArray pluginCatalogue;
    QString workspacePath;
    QString proxyUrl;
    QString adminUrl;          // "http://127.0.0.1:9180/apisix/admin"
    QString demoUrl;
    quint16 proxyPort = 0;
    QString runnerDescription; // "" when no runner is configured
    QJsonObject runner;        // the workspace's "runner" (for the config.yaml lines of an export)
    QStringList customPlugins; // the workspace's apisix.plugins
    QString adminKey;          // for the first-run view's commands (shown only on request)
    QStringList dataKeyring;   // production's data_encryption keyring (Sync opens its encrypted fields with it)
};

// The main window: live traffic with the selected exchange in detail, the routes of the workspace,
// and a status bar with addresses, runner state, requests per second and capture memory.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ConfigStore *store, CaptureStore *capture, RunnerProcess *runner, const MainWindowInfo &info,
               QWidget *parent = nullptr);
    TrafficPanel *traffic() const { return m_traffic; }
    RoutesPanel *routes() const { return m_routesPanel; }
    RoutesPanel *upstreams() const { return m_upstreamsPanel; }
    // The panel of each kind: routes, upstreams, services, plugin configs, global rules.
    const QList<RoutesPanel *> &objectPanels() const { return m_objectPanels; }
    // Every editor with unapplied edits asks Save / Discard / Cancel; true when nothing is lost by going on.
    bool confirmLeave();
    // Traffic → Runner log… (and a click on the runner's state): the one live log window, raised when open.
    RunnerLog *showRunnerLog();
    // The README at `section` (one of its "## " headings; empty: the top), in one guide window.
    UserGuide *showUserGuide(const QString &section = {});

Q_SIGNALS:
    // The user chose another workspace file (File > Open, Open Recent) or a new name for this one.
    void openWorkspaceRequested(const QString &path);
    void saveWorkspaceAsRequested(const QString &path);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void tick();
    void addRunnerLog(const QString &tag, const QString &line);
    void showExport();
    void showImport();
    void showSync();
    void showRouteExplainer();
    void showShortcuts(); // every action of the menus with its keys, read from the menus themselves
    void showAbout();
    // A path the test request can take: the demo route's, else the first enabled route's.
    QString testRequestPath() const;

    void updateTitle();

    ConfigStore *m_store;
    CaptureStore *m_capture;
    QJsonObject m_runnerSettings;
    QStringList m_customPlugins;
    QStringList m_dataKeyring;
    QString m_workspacePath;
    RoutesPanel *m_routesPanel;
    RoutesPanel *m_upstreamsPanel;
    QList<RoutesPanel *> m_objectPanels;
    TrafficPanel *m_traffic;
    QLabel *m_runnerState;
    QLabel *m_rate;
    QLabel *m_memory;
    QStringList m_runnerLog;
    RunnerProcess *m_runner;
    QPointer<RunnerLog> m_runnerLogWindow;
    QPointer<UserGuide> m_guide;
    quint64 m_lastSeen = 0;
};
