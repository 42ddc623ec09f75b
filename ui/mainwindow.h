#pragma once

#include <QMainWindow>
#include <QStringList>

class CaptureStore;
class ConfigStore;
class QLabel;
class RoutesModel;
class RunnerProcess;
class TrafficPanel;

struct MainWindowInfo
{
    QString workspacePath;
    QString proxyUrl;
    QString adminUrl;
    QString demoUrl;
    quint16 proxyPort = 0;
    QString runnerDescription; // "" when no runner is configured
};

// The main window: live traffic with the selected exchange in detail, the routes of the workspace,
// and a status bar with addresses, runner state, requests per second and capture memory.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ConfigStore *store, CaptureStore *capture, RunnerProcess *runner, const MainWindowInfo &info,
               QWidget *parent = nullptr);
    RoutesModel *routesModel() const { return m_routes; }
    TrafficPanel *traffic() const { return m_traffic; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildMenus();
    void tick();
    void showRunnerLog();

    CaptureStore *m_capture;
    RoutesModel *m_routes;
    TrafficPanel *m_traffic;
    QLabel *m_runnerState;
    QLabel *m_rate;
    QLabel *m_memory;
    QStringList m_runnerLog;
    quint64 m_lastSeen = 0;
};
