#include "runnerview.h"

#include "bodytext.h"
#include "frame.h"
#include "runnermessages.h"
#include "trafficmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

RunnerView::RunnerView(QWidget *parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_frames(new QTreeWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_frames->setHeaderLabels({tr("At"), tr("Plugin"), tr("Direction"), tr("Frame"), tr("Size"), tr("Decoded")});
    m_frames->setRootIsDecorated(false);
    m_frames->setAlternatingRowColors(true);
    m_frames->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_frames->header()->setStretchLastSection(true);
    layout->addWidget(m_summary);
    layout->addWidget(m_frames, 1);
}

int RunnerView::frameCount() const
{
    return m_frames->topLevelItemCount();
}

void RunnerView::setExchange(const CapturedExchange &e)
{
    m_frames->clear();
    QStringList lines;
    if (!e.errorText.isEmpty())
        lines << tr("<b>%1 failed:</b> %2").arg(e.errorStep.toHtmlEscaped(), e.errorText.toHtmlEscaped());
    for (const QString &n : e.notes)
        lines << n.toHtmlEscaped();
    if (e.frames.isEmpty() && lines.isEmpty())
        lines << tr("No runner conversation: this route has no ext-plugin-*.");
    m_summary->setText(lines.join(QStringLiteral("<br>")));
    for (const RunnerFrameRecord &f : e.frames) {
        QString decoded = Runner::summarize(f.type, f.fromRunner, f.payload);
        if (f.size > f.payload.size())
            decoded += tr(" (payload kept: first %1)").arg(sizeText(f.payload.size()));
        auto *item = new QTreeWidgetItem({QStringLiteral("%1 ms").arg(f.atNs / 1e6, 0, 'f', 3), f.plugin,
                                          f.fromRunner ? tr("← runner") : tr("→ runner"), Frame::typeName(f.type),
                                          sizeText(f.size), decoded});
        item->setToolTip(5, decoded);
        if (f.type == Frame::RpcError)
            item->setForeground(5, QColor(0xd0, 0x30, 0x30));
        m_frames->addTopLevelItem(item);
    }
}
