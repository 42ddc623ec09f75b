#include "timingview.h"

#include "trafficmodel.h"

#include <QPainter>

TimingView::TimingView(QWidget *parent)
    : QWidget(parent)
{
}

void TimingView::setTimings(const ExchangeTimings &t)
{
    m_bars = {{tr("Route match"), t.routeNs},       {tr("ext-plugin-pre-req"), t.preReqNs},
              {tr("ext-plugin-post-req"), t.postReqNs}, {tr("Upstream connect"), t.connectNs},
              {tr("Upstream first byte"), t.firstByteNs}, {tr("Upstream, whole"), t.upstreamNs},
              {tr("ext-plugin-post-resp"), t.postRespNs}, {tr("Write to client"), t.writeNs},
              {tr("Total"), t.totalNs}};
    m_total = qMax<qint64>(1, t.totalNs);
    update();
}

void TimingView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const int rowH = 24;
    const int labelW = 170;
    const int valueW = 90;
    const int barW = qMax(40, width() - labelW - valueW - 20);
    int y = 8;
    for (const Bar &b : m_bars) {
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(8, y, labelW, rowH), Qt::AlignVCenter, b.label);
        p.drawText(QRect(labelW + barW + 12, y, valueW, rowH), Qt::AlignVCenter | Qt::AlignRight, b.ns >= 0 ? durationText(b.ns) : tr("—"));
        if (b.ns >= 0) {
            const int w = qMax(2, int(double(b.ns) / double(m_total) * barW));
            p.fillRect(QRect(labelW + 8, y + 5, qMin(w, barW), rowH - 10), palette().color(QPalette::Highlight));
        }
        y += rowH;
    }
}
