#include "changesview.h"

#include "bodytext.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QtConcurrent/QtConcurrentRun>

namespace {
constexpr qsizetype kOffThreadBytes = 64 * 1024;

// Line backgrounds that read in a light and a dark palette alike.
QBrush background(ChangesView::LineKind kind, const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    switch (kind) {
    case ChangesView::Removed: return dark ? QColor(0x5c, 0x2b, 0x2e) : QColor(0xf8, 0xd7, 0xda);
    case ChangesView::Added: return dark ? QColor(0x25, 0x4d, 0x30) : QColor(0xd4, 0xed, 0xda);
    case ChangesView::Missing: return palette.brush(QPalette::AlternateBase);
    case ChangesView::Heading: return palette.brush(QPalette::Button);
    case ChangesView::Same: break;
    }
    return Qt::NoBrush;
}

QString cutLine(const QString &line)
{
    if (line.size() <= ChangesView::kLineChars)
        return line;
    return line.left(ChangesView::kLineChars) + QStringLiteral(" … (%1 more characters)").arg(line.size() - ChangesView::kLineChars);
}

void addLine(QTextCursor &cursor, const QString &text, ChangesView::LineKind kind, const QPalette &palette, bool first)
{
    QTextBlockFormat format;
    format.setBackground(background(kind, palette));
    QTextCharFormat chars;
    chars.setFontWeight(kind == ChangesView::Heading ? QFont::Bold : QFont::Normal);
    if (first)
        cursor.setBlockFormat(format);
    else
        cursor.insertBlock(format);
    cursor.block().setUserState(kind);
    cursor.insertText(text, chars);
}

ChangesView::LineKind kindOf(DiffLine::Op op, bool present)
{
    if (!present)
        return ChangesView::Missing;
    return op == DiffLine::Op::Removed ? ChangesView::Removed : op == DiffLine::Op::Added ? ChangesView::Added : ChangesView::Same;
}
} // namespace

ChangesView::ChangesView(QWidget *parent)
    : QWidget(parent), m_notes(new QLabel(this)), m_status(new QLabel(this)), m_leftTitle(new QLabel(this)), m_rightTitle(new QLabel(this)), m_before(new QPlainTextEdit(this)),
      m_after(new QPlainTextEdit(this)), m_showAll(new QPushButton(tr("Show all rows"), this))
{
    m_notes->setWordWrap(true);
    m_notes->setTextFormat(Qt::PlainText);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notes->setAutoFillBackground(true);
    m_notes->setMargin(4);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    for (QPlainTextEdit *side : {m_before, m_after}) {
        side->setReadOnly(true);
        side->setLineWrapMode(QPlainTextEdit::NoWrap);
        side->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        side->document()->setUndoRedoEnabled(false);
    }
    // One row is one line on both sides: they scroll together.
    connect(m_before->verticalScrollBar(), &QScrollBar::valueChanged, m_after->verticalScrollBar(), &QScrollBar::setValue);
    connect(m_after->verticalScrollBar(), &QScrollBar::valueChanged, m_before->verticalScrollBar(), &QScrollBar::setValue);
    m_showAll->setToolTip(tr("Long diffs show their first %1 rows; this shows every row").arg(kShownRows));
    m_showAll->hide();
    connect(m_showAll, &QPushButton::clicked, this, [this] {
        m_all = true;
        render();
    });
    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_notes, 0, 0, 1, 2);
    layout->addWidget(m_status, 1, 0);
    layout->addWidget(m_showAll, 1, 1, Qt::AlignRight);
    m_leftTitle->setText(tr("<b>Before:</b> upstream response, then client request"));
    m_rightTitle->setText(tr("<b>After:</b> client response, then upstream request"));
    layout->addWidget(m_leftTitle, 2, 0);
    layout->addWidget(m_rightTitle, 2, 1);
    layout->addWidget(m_before, 3, 0);
    layout->addWidget(m_after, 3, 1);
    layout->setRowStretch(3, 1);
    connect(&m_watcher, &QFutureWatcher<ExchangeChanges>::finished, this, [this] {
        if (m_watcher.property("generation").toULongLong() == m_generation)
            display(m_watcher.result());
    });
    clear();
}

void ChangesView::clear()
{
    ++m_generation;
    display({});
    m_status->setText(tr("Select an exchange."));
}

void ChangesView::setExchange(const ExchangePtr &e)
{
    if (!e) {
        clear();
        return;
    }
    const qsizetype bytes = e->upstreamResponse.body.size() + e->clientResponse.body.size();
    start(bytes, tr("Comparing bodies of %1 and %2…").arg(sizeText(e->upstreamResponse.bodySize), sizeText(e->clientResponse.bodySize)),
          [e] { return computeChanges(*e); });
}

void ChangesView::compare(const ExchangePtr &a, const ExchangePtr &b)
{
    m_comparing = true;
    m_leftTitle->setText(tr("<b>Left:</b> exchange %1").arg(a->id));
    m_rightTitle->setText(tr("<b>Right:</b> exchange %1").arg(b->id));
    qsizetype bytes = 0;
    for (const CapturedExchange *e : {a.get(), b.get()})
        bytes += e->clientRequest.body.size() + e->upstreamRequest.body.size() + e->upstreamResponse.body.size() + e->clientResponse.body.size();
    start(bytes, tr("Comparing exchanges %1 and %2 (%3 of bodies)…").arg(a->id).arg(b->id).arg(sizeText(bytes)),
          [a, b] { return compareExchanges(*a, *b); });
}

void ChangesView::start(qsizetype bodyBytes, const QString &waiting, std::function<ExchangeChanges()> changes)
{
    ++m_generation;
    m_all = false;
    if (bodyBytes <= kOffThreadBytes) {
        display(changes());
        return;
    }
    m_computing = true;
    m_changes = {};
    m_before->clear();
    m_after->clear();
    m_notes->hide();
    m_showAll->hide();
    m_status->setText(waiting);
    m_watcher.setProperty("generation", QVariant::fromValue(m_generation));
    m_watcher.setFuture(QtConcurrent::run(std::move(changes)));
}

void ChangesView::display(const ExchangeChanges &changes)
{
    m_computing = false;
    m_changes = changes;
    render();
}

void ChangesView::render()
{
    const ExchangeChanges &c = m_changes;
    m_notes->setText(c.notes.join(QLatin1Char('\n')));
    m_notes->setBackgroundRole(QPalette::ToolTipBase);
    m_notes->setForegroundRole(QPalette::ToolTipText);
    m_notes->setVisible(!c.notes.isEmpty());
    QStringList summary;
    if (!c.absent.isEmpty())
        summary << c.absent;
    int total = 0;
    int differing = 0;
    for (const ChangeSection &s : c.sections) {
        if (!m_comparing)
            summary << QStringLiteral("%1: %2").arg(s.title, s.summary);
        differing += s.changedRows ? 1 : 0;
        total += int(s.rows.size()) + 1;
    }
    if (m_comparing && !c.sections.isEmpty())
        summary << tr("%1 of %2 sections differ").arg(differing).arg(c.sections.size());
    const bool bounded = !m_all && total > kShownRows;
    if (bounded)
        summary << tr("showing the first %1 of %2 rows").arg(kShownRows).arg(total);
    m_status->setText(summary.join(QStringLiteral(" · ")));
    m_showAll->setVisible(bounded);

    const QPalette palette = this->palette();
    for (int side = 0; side < 2; ++side) {
        QPlainTextEdit *edit = side == 0 ? m_before : m_after;
        edit->clear();
        QTextCursor cursor(edit->document());
        cursor.beginEditBlock();
        int shown = 0;
        bool first = true;
        for (const ChangeSection &s : c.sections) {
            if (bounded && shown >= kShownRows)
                break;
            addLine(cursor, QStringLiteral("── %1 (%2)").arg(s.title, s.summary), Heading, palette, first);
            first = false;
            ++shown;
            for (const DiffRow &r : s.rows) {
                if (bounded && shown >= kShownRows)
                    break;
                const bool present = side == 0 ? r.hasLeft : r.hasRight;
                addLine(cursor, present ? cutLine(side == 0 ? r.left : r.right) : QString(),
                        kindOf(side == 0 ? r.leftOp : r.rightOp, present), palette, false);
                ++shown;
            }
        }
        cursor.endEditBlock();
        edit->moveCursor(QTextCursor::Start);
    }
}

QString ChangesView::plainText() const
{
    QStringList out;
    if (m_notes->isVisible() || !m_notes->text().isEmpty())
        out << m_notes->text();
    out << m_status->text() << m_before->toPlainText() << m_after->toPlainText();
    return out.join(QLatin1Char('\n'));
}
