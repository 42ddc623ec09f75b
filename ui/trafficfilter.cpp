#include "trafficfilter.h"

#include "trafficmodel.h"

TrafficFilter::TrafficFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void TrafficFilter::setExpression(const QString &expression)
{
    m_filter = ExchangeFilter(expression);
    invalidateFilter();
}

bool TrafficFilter::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (m_filter.isEmpty())
        return true;
    const auto *model = static_cast<const TrafficModel *>(sourceModel());
    const ExchangePtr e = model->exchangeAt(sourceRow);
    return e && m_filter.matches(*e);
}
