#pragma once

#include "configstore.h"

#include <QAbstractTableModel>

// The store's objects of one kind other than routes as a table; follows the store like RoutesModel.
// Upstreams: ID, Name, Type, Nodes; ssls, protos, secrets and plugin metadata: ID, Name, what they hold;
// the others: ID, Name, Plugins, and what uses them.
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
    QString cell(const QString &key, const QJsonObject &o, int column) const;

    ResourceKind m_kind;
    ConfigStore *m_store;
    QList<std::pair<QString, QJsonObject>> m_rows; // by key: the id, a consumer's username, a plugin's name
    QHash<QString, int> m_users; // routes (and services, for an upstream; consumers, for a group) naming each id
};
