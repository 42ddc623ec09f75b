#include "messageview.h"

#include "atomicfile.h"

#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QPushButton>
#include <QLabel>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace {
constexpr qsizetype kOffThreadBytes = 256 * 1024;
}

QString headText(const CapturedMessage &m, bool isRequest)
{
    QString out = isRequest ? QStringLiteral("%1 %2 HTTP/1.1\n").arg(QString::fromLatin1(m.method), QString::fromUtf8(m.target))
                            : QStringLiteral("HTTP/1.1 %1 %2\n").arg(m.status).arg(QString::fromLatin1(m.reason));
    for (const auto &[name, value] : m.headers.fields())
        out += QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromUtf8(value) + QLatin1Char('\n');
    return out;
}

MessageView::MessageView(QWidget *parent)
    : QWidget(parent), m_context(new QLabel(this)), m_note(new QLabel(this)), m_showAll(new QPushButton(tr("Show all"), this)),
      m_save(new QPushButton(tr("Save body…"), this)), m_text(new QPlainTextEdit(this)), m_image(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_context->setWordWrap(true);
    m_context->setTextFormat(Qt::PlainText);
    m_context->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_context->setObjectName(QStringLiteral("messageContext"));
    m_context->hide();
    layout->addWidget(m_context);
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText);
    m_showAll->setToolTip(tr("Large bodies show their first %1; this lays out all of it (may take a moment)").arg(sizeText(kShownChars)));
    m_showAll->hide();
    m_save->setToolTip(tr("Save the body, exactly as captured, to a file"));
    m_save->hide();
    connect(m_showAll, &QPushButton::clicked, this, [this] {
        m_all = true;
        render();
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save body"), QStringLiteral("body.bin"));
        if (path.isEmpty())
            return;
        const QString error = saveBody(path);
        const QString what = m_message.truncated() ? tr("the first %1 of %2 (all the capture kept)").arg(sizeText(m_message.body.size()), sizeText(m_message.bodySize))
                                                   : sizeText(m_message.body.size());
        m_note->setText(error.isEmpty() ? tr("Saved %1 to %2").arg(what, path) : error);
        m_note->show();
    });
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_note, 1);
    bar->addWidget(m_showAll);
    bar->addWidget(m_save);
    layout->addLayout(bar);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_image->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_image->hide();
    layout->addWidget(m_text, 1);
    layout->addWidget(m_image);
    connect(&m_watcher, &QFutureWatcher<BodyText>::finished, this, [this] {
        if (m_watcher.property("generation").toULongLong() == m_generation)
            showBody(m_watcher.result());
    });
}

QString MessageView::contextText() const
{
    return m_context->isHidden() ? QString() : m_context->text();
}

void MessageView::setMessage(const CapturedMessage &m, bool isRequest, const QString &absentText, const QString &context)
{
    ++m_generation;
    m_context->setText(context);
    m_context->setVisible(!context.isEmpty() && m.present);
    m_image->hide();
    m_note->hide();
    m_showAll->hide();
    m_all = false;
    m_message = m;
    m_body = {};
    m_save->setVisible(m.present && !m.body.isEmpty());
    if (!m.present) {
        m_head.clear();
        m_text->setPlainText(absentText);
        return;
    }
    m_head = headText(m, isRequest) + QLatin1Char('\n');
    if (m.body.size() > kOffThreadBytes) {
        m_text->setPlainText(m_head + tr("Loading a body of %1…").arg(sizeText(m.bodySize)));
        m_watcher.setProperty("generation", QVariant::fromValue(m_generation));
        const HttpHeaders headers = m.headers;
        const QByteArray body = m.body;
        const qint64 size = m.bodySize;
        // The previous result may hold tens of MB of text: it is let go on a worker, not here.
        QFuture<BodyText> previous = m_watcher.future();
        m_watcher.setFuture(QtConcurrent::run([headers, body, size] { return makeBodyText(headers, body, size); }));
        if (previous.isValid())
            (void)QtConcurrent::run([previous = std::move(previous)] {});
        return;
    }
    showBody(makeBodyText(m.headers, m.body, m.bodySize));
}

void MessageView::showBody(const BodyText &body)
{
    m_body = body;
    if (body.kind == BodyText::Kind::Image) {
        QPixmap pixmap;
        if (pixmap.loadFromData(body.decoded)) {
            m_image->setPixmap(pixmap.width() > 640 ? pixmap.scaledToWidth(640, Qt::SmoothTransformation) : pixmap);
            m_image->show();
        }
    }
    render();
}

void MessageView::render()
{
    const ShownText shown = shownText(m_body.text, m_all ? -1 : kShownChars, kLineChars);
    QStringList notes;
    if (!m_body.note.isEmpty())
        notes << m_body.note;
    if (shown.cut)
        notes << tr("showing the first %1 of %2 of text").arg(sizeText(kShownChars), sizeText(m_body.text.size()));
    if (shown.linesSplit)
        notes << tr("lines longer than %1 characters are shown in pieces").arg(kLineChars);
    m_note->setText(notes.join(QStringLiteral("; ")));
    m_note->setVisible(!notes.isEmpty());
    m_showAll->setVisible(shown.cut);
    m_text->setPlainText(m_head + shown.text);
}

QString MessageView::saveBody(const QString &path) const
{
    return writeFileAtomically(path, m_message.body);
}

MessageView::FindResult MessageView::find(const QString &text, bool backward)
{
    const QTextDocument::FindFlags flags = backward ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    if (!m_text->find(text, flags)) {
        m_text->moveCursor(backward ? QTextCursor::End : QTextCursor::Start); // wrap around
        if (!m_text->find(text, flags))
            return {};
    }
    // Which match is selected, of how many (case-insensitive, as QPlainTextEdit::find is by default).
    const QString all = m_text->toPlainText();
    const int at = m_text->textCursor().selectionStart();
    FindResult r;
    for (qsizetype from = all.indexOf(text, 0, Qt::CaseInsensitive); from >= 0; from = all.indexOf(text, from + 1, Qt::CaseInsensitive)) {
        ++r.count;
        if (from <= at)
            r.index = r.count;
    }
    return r;
}

QString MessageView::plainText() const
{
    return m_text->toPlainText();
}
