#pragma once

#include "configstore.h"

#include <QAbstractTableModel>

// The store's upstreams, services, plugin configs or global rules as a table; follows the store like
// RoutesModel. Upstreams: ID, Name, Type, Nodes; the others: ID, Name, Plugins, and what uses them.
class ObjectsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    ObjectsModel(ResourceKind kind, ConfigStore *store, QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void reload();

private:
    QString cell(const QJsonObject &o, int column) const;

    ResourceKind m_kind;
    ConfigStore *m_store;
    QList<QJsonObject> m_rows;
    QHash<QString, int> m_users; // routes (and services, for an upstream) naming each id
};
