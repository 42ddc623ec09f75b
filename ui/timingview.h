#pragma once

#include "capturedexchange.h"

#include <QWidget>

// One row of the waterfall: a step, when it began and how long it took, from the exchange's start.
struct TimingBar
{
    QString label;
    qint64 startNs = 0;
    qint64 ns = -1;      // -1: the step did not run
    bool part = false;   // a part of the row above it (the upstream call's connect, wait and receive)
    bool operator==(const TimingBar &) const = default;
};

// The waterfall's rows: route match, the plugin phases, the upstream call and its parts, the write to
// the client, the total. A capture without start times (a HAR from before they were kept) lays the
// steps end to end in pipeline order.
QList<TimingBar> timingBars(const ExchangeTimings &t);

// The steps of one exchange as a waterfall on one time axis, with the axis' ticks below; the tooltip
// says the hovered step's start, end and duration.
class TimingView : public QWidget
{
    Q_OBJECT
public:
    explicit TimingView(QWidget *parent = nullptr);
    void setTimings(const ExchangeTimings &t);
    const QList<TimingBar> &bars() const { return m_bars; }
    QSize sizeHint() const override { return {560, 320}; }

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    QRect chartRect() const;
    int rowAt(int y) const;

    QList<TimingBar> m_bars;
    qint64 m_total = 1;
};
