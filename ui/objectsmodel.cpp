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
    const auto &map = snap->of(m_kind);
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        m_rows.append({it.key(), it->value});
    const auto count = [this, &snap](std::initializer_list<ResourceKind> users, const QString &key) {
        for (ResourceKind user : users)
            for (const StoredResource &r : snap->of(user))
                if (r.value.contains(key))
                    ++m_users[Validator::idText(r.value.value(key))];
    };
    switch (m_kind) {
    case ResourceKind::Upstream: count({ResourceKind::Route, ResourceKind::Service}, QStringLiteral("upstream_id")); break;
    case ResourceKind::Service: count({ResourceKind::Route, ResourceKind::StreamRoute}, QStringLiteral("service_id")); break;
    case ResourceKind::PluginConfig: count({ResourceKind::Route}, QStringLiteral("plugin_config_id")); break;
    case ResourceKind::ConsumerGroup: count({ResourceKind::Consumer}, QStringLiteral("group_id")); break;
    default: break;
    }
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

QString ObjectsModel::cell(const QString &key, const QJsonObject &o, int column) const
{
    if (column == 0)
        return key;
    if (column == 1)
        return o.value(QStringLiteral("name")).toString(o.value(QStringLiteral("desc")).toString());
    const auto strings = [](const QJsonValue &v) {
        QStringList out;
        for (const QJsonValue &item : v.toArray())
            out << item.toString();
        return out;
    };
    switch (m_kind) {
    case ResourceKind::Upstream: {
        if (column == 2)
            return o.value(QStringLiteral("type")).toString(QStringLiteral("roundrobin"));
        const QJsonValue nodes = o.value(QStringLiteral("nodes"));
        QStringList out = nodes.toObject().keys();
        for (const QJsonValue &n : nodes.toArray())
            out << QStringLiteral("%1:%2").arg(n.toObject().value(QStringLiteral("host")).toString()).arg(n.toObject().value(QStringLiteral("port")).toInt());
        return out.join(QStringLiteral(", "));
    }
    case ResourceKind::Ssl:
        if (column == 2)
            return o.contains(QStringLiteral("sni")) ? o.value(QStringLiteral("sni")).toString() : strings(o.value(QStringLiteral("snis"))).join(QStringLiteral(", "));
        return o.value(QStringLiteral("type")).toString(QStringLiteral("server"));
    case ResourceKind::Proto:
        if (column == 2)
            return o.value(QStringLiteral("content")).toString().section(QLatin1Char('\n'), 0, 0).left(80);
        return tr("%n line(s)", nullptr, int(o.value(QStringLiteral("content")).toString().count(QLatin1Char('\n')) + 1));
    case ResourceKind::Secret:
        if (column == 2)
            return key.section(QLatin1Char('/'), 0, 0);
        return o.value(QStringLiteral("uri")).toString(o.value(QStringLiteral("region")).toString());
    case ResourceKind::StreamRoute: {
        if (column == 3)
            return o.value(QStringLiteral("upstream_id")).isUndefined() ? QString() : tr("upstream %1").arg(Validator::idText(o.value(QStringLiteral("upstream_id"))));
        QStringList match; // what the L4 router matches on
        for (const char *k : {"remote_addr", "server_addr", "sni"})
            if (o.contains(QLatin1String(k)))
                match << QStringLiteral("%1 %2").arg(QLatin1String(k), o.value(QLatin1String(k)).toString());
        if (o.contains(QStringLiteral("server_port")))
            match << QStringLiteral("server_port %1").arg(o.value(QStringLiteral("server_port")).toInt());
        return match.join(QStringLiteral(", "));
    }
    case ResourceKind::PluginMetadata:
        if (column == 2) {
            QStringList fields = o.keys();
            fields.removeAll(QStringLiteral("id"));
            return fields.join(QStringLiteral(", "));
        }
        return tr("every route with %1").arg(key);
    default:
        break;
    }
    if (column == 2)
        return o.value(QStringLiteral("plugins")).toObject().keys().join(QStringLiteral(", "));
    if (m_kind == ResourceKind::GlobalRule)
        return tr("every request");
    if (m_kind == ResourceKind::Consumer && Validator::isCredentialKey(key))
        return tr("credential of %1").arg(key.section(QLatin1Char('/'), 0, 0));
    if (m_kind == ResourceKind::Consumer)
        return o.value(QStringLiteral("group_id")).isUndefined() ? tr("no group") : tr("group %1").arg(Validator::idText(o.value(QStringLiteral("group_id"))));
    const int users = m_users.value(key);
    const QString noun = m_kind == ResourceKind::ConsumerGroup ? tr("consumer") : tr("route");
    return users == 0 ? tr("none") : users == 1 ? tr("1 %1").arg(noun) : tr("%1 %2s").arg(users).arg(noun);
}

QVariant ObjectsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || role != Qt::DisplayRole)
        return {};
    return cell(m_rows[index.row()].first, m_rows[index.row()].second, index.column());
}

QVariant ObjectsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= 4)
        return {};
    static const char *const upstream[] = {"ID", "Name", "Type", "Nodes"};
    static const char *const others[] = {"ID", "Name", "Plugins", "Used by"};
    static const char *const ssl[] = {"ID", "Description", "SNIs", "Type"};
    static const char *const proto[] = {"ID", "Name", "First line", "Length"};
    static const char *const secret[] = {"ID", "Name", "Manager", "Address"};
    static const char *const metadata[] = {"Plugin", "Name", "Fields", "Applies to"};
    static const char *const consumer[] = {"Username", "Description", "Plugins", "Group"};
    static const char *const stream[] = {"ID", "Name", "Matches", "Upstream"};
    switch (m_kind) {
    case ResourceKind::Upstream: return tr(upstream[section]);
    case ResourceKind::Ssl: return tr(ssl[section]);
    case ResourceKind::Proto: return tr(proto[section]);
    case ResourceKind::Secret: return tr(secret[section]);
    case ResourceKind::PluginMetadata: return tr(metadata[section]);
    case ResourceKind::Consumer: return tr(consumer[section]);
    case ResourceKind::StreamRoute: return tr(stream[section]);
    default: break;
    }
    return tr(others[section]);
}
