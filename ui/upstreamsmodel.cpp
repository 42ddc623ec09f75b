#include "upstreamsmodel.h"

#include <QJsonArray>

UpstreamsModel::UpstreamsModel(ConfigStore *store, QObject *parent)
    : QAbstractTableModel(parent), m_store(store)
{
    connect(store, &ConfigStore::changed, this, &UpstreamsModel::reload, Qt::QueuedConnection);
    reload();
}

void UpstreamsModel::reload()
{
    beginResetModel();
    m_rows.clear();
    for (const StoredResource &r : m_store->snapshot()->upstreams)
        m_rows.append(r.value);
    endResetModel();
}

int UpstreamsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UpstreamsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UpstreamsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || role != Qt::DisplayRole)
        return {};
    const QJsonObject &u = m_rows[index.row()];
    switch (index.column()) {
    case Id: return u.value(QStringLiteral("id")).toString();
    case Name: return u.value(QStringLiteral("name")).toString();
    case Type: return u.value(QStringLiteral("type")).toString(QStringLiteral("roundrobin"));
    case Nodes: {
        const QJsonValue nodes = u.value(QStringLiteral("nodes"));
        QStringList out = nodes.toObject().keys();
        for (const QJsonValue &n : nodes.toArray())
            out << QStringLiteral("%1:%2").arg(n.toObject().value(QStringLiteral("host")).toString()).arg(n.toObject().value(QStringLiteral("port")).toInt());
        return out.join(QStringLiteral(", "));
    }
    }
    return {};
}

QVariant UpstreamsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"ID", "Name", "Type", "Nodes"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}
