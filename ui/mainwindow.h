#pragma once

#include <QMainWindow>

class ConfigStore;
class RoutesModel;

struct MainWindowInfo
{
    QString workspacePath;
    QString proxyUrl;
    QString adminUrl;
    QString demoUrl;
};

// The first window: the workspace's routes, live, and where the engine listens.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ConfigStore *store, const MainWindowInfo &info, QWidget *parent = nullptr);
    RoutesModel *routesModel() const { return m_routes; }

private:
    RoutesModel *m_routes;
};
