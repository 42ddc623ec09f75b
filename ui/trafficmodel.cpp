#include "trafficmodel.h"

#include "bodytext.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QPalette>
#include <QSet>
#include <QGuiApplication>

QString durationText(qint64 ns)
{
    if (ns < 0)
        return QStringLiteral("—");
    if (ns < 1'000'000)
        return QStringLiteral("%1 µs").arg(ns / 1000);
    if (ns < 10'000'000'000LL)
        return QStringLiteral("%1 ms").arg(ns / 1e6, 0, 'f', ns < 10'000'000 ? 2 : 1);
    return QStringLiteral("%1 s").arg(ns / 1e9, 0, 'f', 1);
}

QString statusText(const CapturedExchange &e)
{
    const int before = e.statusBefore();
    const int after = e.statusAfter();
    if (!before || before == after)
        return QString::number(after);
    return QStringLiteral("%1 → %2").arg(before).arg(after);
}

QString flagsText(const CapturedExchange &e)
{
    QStringList f;
    if (e.modifiedByRunner)
        f << QStringLiteral("modified");
    if (e.degraded)
        f << QStringLiteral("degraded");
    if (e.hasError())
        f << QStringLiteral("error");
    return f.join(QStringLiteral(", "));
}

TrafficModel::TrafficModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int TrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const CapturedExchange &e = *m_rows[index.row()];
    if (role == ExchangeRole)
        return QVariant::fromValue(m_rows[index.row()]);
    if (role == Qt::ForegroundRole) {
        if (e.hasError())
            return QBrush(QColor(0xd0, 0x30, 0x30));
        if (e.modifiedByRunner && (index.column() == Status || index.column() == Flags))
            return QBrush(QColor(0x2a, 0x7a, 0xd0));
        return {};
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Size || index.column() == Total || index.column() == Runner || index.column() == Id))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Flags && !e.errorText.isEmpty())
        return QStringLiteral("%1: %2").arg(e.errorStep, e.errorText);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Id: return QString::number(e.id);
    case Time: return QDateTime::fromMSecsSinceEpoch(e.startedAtMs).toString(QStringLiteral("HH:mm:ss.zzz"));
    case Method: return QString::fromLatin1(e.clientRequest.method);
    case Host: return QString::fromUtf8(e.host());
    case Path: return QString::fromUtf8(e.clientRequest.target);
    case Route: return e.routeId.isEmpty() ? QStringLiteral("—") : e.routeId;
    case Status: return statusText(e);
    case Size: return sizeText(e.clientResponse.bodySize);
    case Total: return durationText(e.timings.totalNs);
    case Runner: return e.timings.runnerNs() >= 0 ? durationText(e.timings.runnerNs()) : QString();
    case Flags: return flagsText(e);
    }
    return {};
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"#", "Time", "Method", "Host", "Path", "Route", "Status", "Size", "Total", "Runner", "Flags"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

bool TrafficModel::removeRows(int row, int count, const QModelIndex &parent)
{
    if (parent.isValid() || row < 0 || count <= 0 || row + count > m_rows.size())
        return false;
    beginRemoveRows({}, row, row + count - 1);
    m_rows.remove(row, count);
    endRemoveRows();
    return true;
}

void TrafficModel::append(const QList<ExchangePtr> &batch)
{
    if (batch.isEmpty())
        return;
    // Exchanges finish out of order (a slow one after quick ones that started later); rows stay in the
    // order they started, as the # column says. Nearly always the whole batch goes at the end.
    QList<ExchangePtr> sorted = batch;
    const auto byId = [](const ExchangePtr &a, const ExchangePtr &b) { return a->id < b->id; };
    std::stable_sort(sorted.begin(), sorted.end(), byId);
    qsizetype tail = 0;
    while (tail < sorted.size() && !m_rows.isEmpty() && sorted[tail]->id < m_rows.last()->id) {
        const int row = int(std::upper_bound(m_rows.begin(), m_rows.end(), sorted[tail], byId) - m_rows.begin());
        beginInsertRows({}, row, row);
        m_rows.insert(row, sorted[tail]);
        endInsertRows();
        ++tail;
    }
    if (tail == sorted.size())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + sorted.size() - tail - 1));
    m_rows.append(QList<ExchangePtr>(sorted.begin() + tail, sorted.end()));
    endInsertRows();
}

void TrafficModel::evict(const QList<quint64> &ids)
{
    const QSet<quint64> gone(ids.begin(), ids.end());
    // Evicted exchanges are the oldest, so they sit at the top: remove contiguous runs, few signals.
    int row = 0;
    while (row < m_rows.size()) {
        if (!gone.contains(m_rows[row]->id)) {
            ++row;
            continue;
        }
        int end = row;
        while (end + 1 < m_rows.size() && gone.contains(m_rows[end + 1]->id))
            ++end;
        removeRows(row, end - row + 1);
    }
}

void TrafficModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}
