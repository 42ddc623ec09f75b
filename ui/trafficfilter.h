#pragma once

#include "exchangefilter.h"

#include <QSortFilterProxyModel>

// Applies the filter box's expression (ExchangeFilter syntax) to the traffic table.
class TrafficFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TrafficFilter(QObject *parent = nullptr);
    void setExpression(const QString &expression);
    QStringList problems() const { return m_filter.problems(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    ExchangeFilter m_filter;
};
