#include "runnerview.h"

#include "bodytext.h"
#include "frame.h"
#include "runnermessages.h"
#include "trafficmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

RunnerView::RunnerView(QWidget *parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_frames(new QTreeWidget(this)), m_frameText(new QPlainTextEdit(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_frames->setHeaderLabels({tr("At"), tr("Plugin"), tr("Direction"), tr("Frame"), tr("Size"), tr("Decoded")});
    m_frames->setRootIsDecorated(false);
    m_frames->setAlternatingRowColors(true);
    m_frames->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_frames->header()->setSectionResizeMode(5, QHeaderView::Stretch);
    m_frameText->setObjectName(QStringLiteral("frameText"));
    m_frameText->setReadOnly(true);
    m_frameText->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_frameText->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_frameText->setPlaceholderText(tr("Select a frame to read its decoding whole"));
    connect(m_frames, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        m_frameText->setPlainText(item ? item->data(5, Qt::UserRole).toString() : QString());
    });
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_frames);
    splitter->addWidget(m_frameText);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(m_summary);
    layout->addWidget(splitter, 1);
}

int RunnerView::frameCount() const
{
    return m_frames->topLevelItemCount();
}

void RunnerView::setExchange(const CapturedExchange &e)
{
    m_frames->clear();
    m_frameText->clear();
    QStringList lines;
    if (!e.errorText.isEmpty())
        lines << tr("<b>%1 failed:</b> %2").arg(e.errorStep.toHtmlEscaped(), e.errorText.toHtmlEscaped());
    for (const QString &n : e.notes)
        lines << n.toHtmlEscaped();
    if (e.frames.isEmpty() && lines.isEmpty())
        lines << tr("No runner conversation: this route has no ext-plugin-*.");
    m_summary->setText(lines.join(QStringLiteral("<br>")));
    QTreeWidgetItem *shown = nullptr; // the frame worth reading first: the runner's first error, else the first frame
    bool shownIsError = false;
    for (const RunnerFrameRecord &f : e.frames) {
        QString decoded = Runner::summarize(f.type, f.fromRunner, f.payload);
        if (f.size > f.payload.size())
            decoded += tr(" (payload kept: first %1)").arg(sizeText(f.payload.size()));
        auto *item = new QTreeWidgetItem({QStringLiteral("%1 ms").arg(f.atNs / 1e6, 0, 'f', 3), f.plugin,
                                          f.fromRunner ? tr("← runner") : tr("→ runner"), Frame::typeName(f.type),
                                          sizeText(f.size), decoded});
        item->setData(5, Qt::UserRole, QStringLiteral("%1 %2, %3 (%4):\n%5").arg(f.fromRunner ? tr("From the runner") : tr("To the runner"),
                                                                                    Frame::typeName(f.type), f.plugin, sizeText(f.size), decoded));
        if (f.type == Frame::RpcError)
            item->setForeground(5, QColor(0xd0, 0x30, 0x30));
        m_frames->addTopLevelItem(item);
        if (!shown || (f.type == Frame::RpcError && !shownIsError)) {
            shown = item;
            shownIsError = f.type == Frame::RpcError;
        }
    }
    m_frames->setCurrentItem(shown);
}
