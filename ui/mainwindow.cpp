#include "mainwindow.h"

#include "routesmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

MainWindow::MainWindow(ConfigStore *store, const MainWindowInfo &info, QWidget *parent)
    : QMainWindow(parent), m_routes(new RoutesModel(store, this))
{
    setWindowTitle(tr("RouteScope — %1").arg(info.workspacePath));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    auto *hint = new QLabel(tr("Routes of this workspace. Change them with the APISIX Admin API at %1 — "
                               "this list follows every change at once.").arg(info.adminUrl), central);
    hint->setWordWrap(true);
    hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(hint);
    auto *table = new QTableView(central);
    table->setModel(m_routes);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(table);
    setCentralWidget(central);
    QString status = tr("Proxy %1    Admin API %2").arg(info.proxyUrl, info.adminUrl);
    if (!info.demoUrl.isEmpty())
        status += tr("    Demo upstream %1").arg(info.demoUrl);
    statusBar()->addWidget(new QLabel(status, this));
    resize(1000, 480);
}
