#pragma once

#include "capturedexchange.h"

#include <QAbstractTableModel>

// Captured exchanges as table rows, oldest first. Rows arrive in batches (one insert per batch) and
// leave from the top when the capture evicts them.
class TrafficModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Id, Time, Method, Host, Path, Route, Status, Size, Total, Runner, Flags, ColumnCount };
    static constexpr int ExchangeRole = Qt::UserRole + 1;

    explicit TrafficModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool removeRows(int row, int count, const QModelIndex &parent = {}) override;

    void append(const QList<ExchangePtr> &batch);
    // The capture dropped these exchanges; those still shown here go too.
    void evict(const QList<quint64> &ids);
    void clear();
    ExchangePtr exchangeAt(int row) const { return m_rows.value(row); }
    const QList<ExchangePtr> &exchanges() const { return m_rows; }

private:
    QList<ExchangePtr> m_rows;
};

QString statusText(const CapturedExchange &e);
QString flagsText(const CapturedExchange &e);
QString durationText(qint64 ns);
