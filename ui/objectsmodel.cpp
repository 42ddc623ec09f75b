#include "objectsmodel.h"

#include "validator.h"

#include <QJsonArray>

ObjectsModel::ObjectsModel(ResourceKind kind, ConfigStore *store, QObject *parent)
    : QAbstractTableModel(parent), m_kind(kind), m_store(store)
{
    connect(store, &ConfigStore::changed, this, &ObjectsModel::reload, Qt::QueuedConnection);
    reload();
}

void ObjectsModel::reload()
{
    beginResetModel();
    m_rows.clear();
    m_users.clear();
    const auto snap = m_store->snapshot();
    for (const StoredResource &r : snap->of(m_kind))
        m_rows.append(r.value);
    const QString key = m_kind == ResourceKind::Service ? QStringLiteral("service_id")
                      : m_kind == ResourceKind::PluginConfig ? QStringLiteral("plugin_config_id") : QStringLiteral("upstream_id");
    for (ResourceKind user : {ResourceKind::Route, ResourceKind::Service})
        for (const StoredResource &r : snap->of(user))
            if (r.value.contains(key))
                ++m_users[Validator::idText(r.value.value(key))];
    endResetModel();
}

int ObjectsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ObjectsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : 4;
}

QString ObjectsModel::cell(const QJsonObject &o, int column) const
{
    if (column == 0)
        return Validator::idText(o.value(QStringLiteral("id")));
    if (column == 1)
        return o.value(QStringLiteral("name")).toString(o.value(QStringLiteral("desc")).toString());
    if (m_kind == ResourceKind::Upstream) {
        if (column == 2)
            return o.value(QStringLiteral("type")).toString(QStringLiteral("roundrobin"));
        const QJsonValue nodes = o.value(QStringLiteral("nodes"));
        QStringList out = nodes.toObject().keys();
        for (const QJsonValue &n : nodes.toArray())
            out << QStringLiteral("%1:%2").arg(n.toObject().value(QStringLiteral("host")).toString()).arg(n.toObject().value(QStringLiteral("port")).toInt());
        return out.join(QStringLiteral(", "));
    }
    if (column == 2)
        return o.value(QStringLiteral("plugins")).toObject().keys().join(QStringLiteral(", "));
    if (m_kind == ResourceKind::GlobalRule)
        return tr("every request");
    const int users = m_users.value(Validator::idText(o.value(QStringLiteral("id"))));
    return users == 0 ? tr("none") : users == 1 ? tr("1 route") : tr("%1 routes").arg(users);
}

QVariant ObjectsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || role != Qt::DisplayRole)
        return {};
    return cell(m_rows[index.row()], index.column());
}

QVariant ObjectsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= 4)
        return {};
    static const char *const upstream[] = {"ID", "Name", "Type", "Nodes"};
    static const char *const others[] = {"ID", "Name", "Plugins", "Used by"};
    return tr(m_kind == ResourceKind::Upstream ? upstream[section] : others[section]);
}
