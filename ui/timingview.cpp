#include "timingview.h"

#include "trafficmodel.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace {
constexpr int kRowH = 24;
constexpr int kTop = 8;
constexpr int kLabelW = 190;
constexpr int kValueW = 80;

// A tick step of 1, 2 or 5 times a power of ten that gives about `ticks` ticks over `total` ns.
qint64 tickStep(qint64 total, int ticks)
{
    const double raw = double(total) / qMax(1, ticks);
    double step = 1;
    while (step * 10 <= raw)
        step *= 10;
    for (double m : {1.0, 2.0, 5.0})
        if (step * m >= raw)
            return qint64(step * m);
    return qint64(step * 10);
}
} // namespace

QList<TimingBar> timingBars(const ExchangeTimings &t)
{
    QList<TimingBar> out;
    qint64 cursor = 0; // where a step without its start time is laid: after the one before it
    const auto step = [&](const QString &label, qint64 at, qint64 ns) {
        const qint64 start = ns < 0 ? 0 : at >= 0 ? at : cursor;
        out.append({label, start, ns, false});
        if (ns >= 0)
            cursor = qMax(cursor, start + ns);
    };
    step(QObject::tr("Route match"), 0, t.routeNs);
    step(QObject::tr("ext-plugin-pre-req"), t.preReqAtNs, t.preReqNs);
    step(QObject::tr("ext-plugin-post-req"), t.postReqAtNs, t.postReqNs);
    const qint64 upstreamCursor = cursor;
    step(QObject::tr("Upstream call"), t.upstreamAtNs, t.upstreamNs);
    if (t.upstreamNs >= 0) {
        const qint64 at = t.upstreamAtNs >= 0 ? t.upstreamAtNs : upstreamCursor;
        const qint64 connect = qMax<qint64>(t.connectNs, 0);
        out.append({t.connectNs >= 0 ? QObject::tr("connect") : QObject::tr("connect (connection reused)"), at, t.connectNs, true});
        const qint64 firstByte = t.firstByteNs >= connect ? t.firstByteNs : -1;
        out.append({QObject::tr("waiting for the first byte"), at + connect, firstByte >= 0 ? firstByte - connect : -1, true});
        out.append({QObject::tr("receiving"), at + qMax<qint64>(firstByte, 0), firstByte >= 0 ? t.upstreamNs - firstByte : -1, true});
    }
    step(QObject::tr("ext-plugin-post-resp"), t.postRespAtNs, t.postRespNs);
    step(QObject::tr("Write to client"), t.writeAtNs, t.writeNs);
    out.append({QObject::tr("Total"), 0, t.totalNs, false});
    return out;
}

TimingView::TimingView(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
}

void TimingView::setTimings(const ExchangeTimings &t)
{
    m_bars = timingBars(t);
    m_total = 1;
    for (const TimingBar &b : std::as_const(m_bars))
        if (b.ns >= 0)
            m_total = qMax(m_total, b.startNs + b.ns);
    update();
}

QRect TimingView::chartRect() const
{
    return QRect(kLabelW + 8, kTop, qMax(40, width() - kLabelW - kValueW - 24), int(m_bars.size()) * kRowH);
}

int TimingView::rowAt(int y) const
{
    const int row = (y - kTop) / kRowH;
    return y >= kTop && row < m_bars.size() ? row : -1;
}

bool TimingView::event(QEvent *e)
{
    if (e->type() != QEvent::ToolTip)
        return QWidget::event(e);
    const auto *help = static_cast<QHelpEvent *>(e);
    const int row = rowAt(help->pos().y());
    if (row < 0 || m_bars[row].ns < 0) {
        QToolTip::hideText();
        e->ignore();
        return true;
    }
    const TimingBar &b = m_bars[row];
    QToolTip::showText(help->globalPos(), tr("%1: from %2 to %3 (%4)").arg(b.label, durationText(b.startNs), durationText(b.startNs + b.ns), durationText(b.ns)), this);
    return true;
}

void TimingView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRect chart = chartRect();
    const auto x = [&](qint64 ns) { return chart.left() + int(double(ns) / double(m_total) * chart.width()); };
    const QColor text = palette().color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(50);
    // The axis: a tick line through every row, its time below.
    const qint64 step = tickStep(m_total, qMax(2, chart.width() / 90));
    for (qint64 t = 0; t <= m_total; t += step) {
        p.setPen(grid);
        p.drawLine(x(t), chart.top(), x(t), chart.bottom());
        p.setPen(text);
        p.drawText(QRect(x(t) - 45, chart.bottom() + 2, 90, kRowH), Qt::AlignHCenter | Qt::AlignTop, durationText(t));
    }
    const QColor bar = palette().color(QPalette::Highlight);
    QColor partBar = bar;
    partBar.setAlpha(140);
    int y = kTop;
    for (const TimingBar &b : std::as_const(m_bars)) {
        p.setPen(b.ns >= 0 ? text : palette().color(QPalette::Disabled, QPalette::WindowText));
        p.drawText(QRect(b.part ? 24 : 8, y, kLabelW - (b.part ? 16 : 0), kRowH), Qt::AlignVCenter, b.label);
        p.drawText(QRect(chart.right() + 8, y, kValueW, kRowH), Qt::AlignVCenter | Qt::AlignRight, b.ns >= 0 ? durationText(b.ns) : tr("not run"));
        if (b.ns >= 0) {
            const int left = x(b.startNs);
            const int w = qMax(2, x(b.startNs + b.ns) - left);
            p.fillRect(QRect(left, y + (b.part ? 8 : 5), qMin(w, chart.right() - left + 1), kRowH - (b.part ? 16 : 10)), b.part ? partBar : bar);
        }
        y += kRowH;
    }
}
