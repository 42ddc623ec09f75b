#include "messageview.h"

#include <QFontDatabase>
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
    : QWidget(parent), m_note(new QLabel(this)), m_text(new QPlainTextEdit(this)), m_image(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_note->setWordWrap(true);
    m_note->hide();
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_image->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_image->hide();
    layout->addWidget(m_note);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_image);
    connect(&m_watcher, &QFutureWatcher<BodyText>::finished, this, [this] {
        if (m_watcher.property("generation").toULongLong() == m_generation)
            showBody(m_watcher.result());
    });
}

void MessageView::setMessage(const CapturedMessage &m, bool isRequest, const QString &absentText)
{
    ++m_generation;
    m_image->hide();
    m_note->hide();
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
        m_watcher.setFuture(QtConcurrent::run([headers, body, size] { return makeBodyText(headers, body, size); }));
        return;
    }
    showBody(makeBodyText(m.headers, m.body, m.bodySize));
}

void MessageView::showBody(const BodyText &body)
{
    if (!body.note.isEmpty()) {
        m_note->setText(body.note);
        m_note->show();
    }
    if (body.kind == BodyText::Kind::Image) {
        QPixmap pixmap;
        if (pixmap.loadFromData(body.decoded)) {
            m_image->setPixmap(pixmap.width() > 640 ? pixmap.scaledToWidth(640, Qt::SmoothTransformation) : pixmap);
            m_image->show();
        }
    }
    m_text->setPlainText(m_head + body.text);
}

bool MessageView::find(const QString &text)
{
    if (m_text->find(text))
        return true;
    m_text->moveCursor(QTextCursor::Start); // wrap around
    return m_text->find(text);
}

QString MessageView::plainText() const
{
    return m_text->toPlainText();
}
