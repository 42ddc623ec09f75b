#include "routesmodel.h"

#include "validator.h"

#include <QFont>
#include <QGuiApplication>
#include <QJsonArray>
#include <QPalette>

namespace {
QString joined(const QJsonObject &o, const char *single, const char *many)
{
    QStringList out;
    if (o.contains(QLatin1String(single)))
        out << o.value(QLatin1String(single)).toString();
    for (const QJsonValue &v : o.value(QLatin1String(many)).toArray())
        out << v.toString();
    return out.join(QStringLiteral(", "));
}

QString upstreamText(const QJsonObject &route)
{
    if (route.contains(QStringLiteral("upstream_id"))) {
        const QJsonValue id = route.value(QStringLiteral("upstream_id"));
        return QStringLiteral("→ %1").arg(Validator::idText(id));
    }
    const QJsonValue nodes = route.value(QStringLiteral("upstream")).toObject().value(QStringLiteral("nodes"));
    QStringList out;
    if (nodes.isObject())
        out = nodes.toObject().keys();
    for (const QJsonValue &n : nodes.toArray())
        out << QStringLiteral("%1:%2").arg(n.toObject().value(QStringLiteral("host")).toString()).arg(n.toObject().value(QStringLiteral("port")).toInt());
    return out.join(QStringLiteral(", "));
}
} // namespace

RoutesModel::RoutesModel(ConfigStore *store, QObject *parent)
    : QAbstractTableModel(parent), m_store(store)
{
    connect(store, &ConfigStore::changed, this, &RoutesModel::reload, Qt::QueuedConnection);
    reload();
}

void RoutesModel::reload()
{
    beginResetModel();
    m_rows.clear();
    const auto snap = m_store->snapshot();
    for (const StoredResource &r : snap->routes)
        m_rows.append(r.value);
    endResetModel();
}

int RoutesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RoutesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RoutesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const QJsonObject &r = m_rows[index.row()];
    const bool disabled = r.value(QStringLiteral("status")).toInt(1) == 0;
    if (role == Qt::ForegroundRole && disabled)
        return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    if (role == Qt::FontRole && disabled) {
        QFont font;
        font.setItalic(true);
        return font;
    }
    if (role == Qt::ToolTipRole && disabled)
        return tr("Disabled (status 0): the router skips this route");
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Id: return r.value(QStringLiteral("id")).toString();
    case Name: return r.value(QStringLiteral("name")).toString();
    case Uris: return joined(r, "uri", "uris");
    case Methods: return r.contains(QStringLiteral("methods")) ? joined(r, "-", "methods") : QStringLiteral("any");
    case Hosts: return r.contains(QStringLiteral("host")) || r.contains(QStringLiteral("hosts")) ? joined(r, "host", "hosts") : QStringLiteral("any");
    case Upstream: return upstreamText(r);
    case Plugins: return r.value(QStringLiteral("plugins")).toObject().keys().join(QStringLiteral(", "));
    case Enabled: return disabled ? tr("no") : tr("yes");
    }
    return {};
}

QVariant RoutesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"ID", "Enabled", "Name", "URI", "Methods", "Host", "Upstream", "Plugins"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}
