#pragma once

#include "configstore.h"

#include <QAbstractTableModel>

// The routes of the store as a table; refreshes itself when the store changes (from any thread).
class RoutesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Id, Enabled, Name, Uris, Methods, Hosts, Upstream, Plugins, ColumnCount };

    explicit RoutesModel(ConfigStore *store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload();

private:
    ConfigStore *m_store;
    QList<QJsonObject> m_rows;
};
