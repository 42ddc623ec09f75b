#pragma once

#include "configstore.h"

#include <QAbstractTableModel>

// The upstreams of the store as a table; follows the store like RoutesModel.
class UpstreamsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Id, Name, Type, Nodes, ColumnCount };
    explicit UpstreamsModel(ConfigStore *store, QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void reload();

private:
    ConfigStore *m_store;
    QList<QJsonObject> m_rows;
};
