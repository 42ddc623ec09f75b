#include "userguide.h"

#include <QAbstractTextDocumentLayout>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFile>
#include <QHBoxLayout>
#include <QListWidget>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBlock>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

namespace {
QString readme()
{
    QFile f(QStringLiteral(":/guide/README.md"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// GitHub's anchor for a heading: lower case, spaces to dashes, other punctuation dropped.
QString anchorOf(const QString &heading)
{
    QString slug = heading.toLower();
    slug.remove(QRegularExpression(QStringLiteral("[^a-z0-9 _-]")));
    return slug.replace(QLatin1Char(' '), QLatin1Char('-'));
}

// The document's "## " headings, in order.
QList<QTextBlock> sectionBlocks(const QTextDocument *doc)
{
    QList<QTextBlock> blocks;
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next())
        if (b.blockFormat().headingLevel() == 2)
            blocks << b;
    return blocks;
}

// The README's pictures are screenshots of a whole window: shown at the guide's width, not their own.
void fitPictures(QTextDocument *doc, qreal width)
{
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (!f.charFormat().isImageFormat())
                continue;
            QTextImageFormat picture = f.charFormat().toImageFormat();
            picture.setWidth(width); // (the height follows, in proportion)
            QTextCursor c(doc);
            c.setPosition(f.position());
            c.setPosition(f.position() + f.length(), QTextCursor::KeepAnchor);
            c.setCharFormat(picture);
        }
}
} // namespace

QStringList UserGuide::sections()
{
    QStringList headings;
    bool inCode = false;
    for (const QString &line : readme().split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("```")))
            inCode = !inCode;
        else if (!inCode && line.startsWith(QLatin1String("## ")))
            headings << line.mid(3).trimmed();
    }
    return headings;
}

UserGuide::UserGuide(QWidget *parent)
    : QDialog(parent), m_sections(new QListWidget(this)), m_text(new QTextBrowser(this))
{
    setWindowTitle(tr("RouteScope user guide"));
    m_text->setObjectName(QStringLiteral("guide"));
    m_text->setOpenLinks(false);
    m_text->setSearchPaths({QStringLiteral(":/guide")}); // the pictures the README shows
    m_text->document()->setMarkdown(readme(), QTextDocument::MarkdownDialectGitHub);
    fitPictures(m_text->document(), 760);
    if (m_text->document()->isEmpty())
        m_text->setPlainText(tr("The user guide is missing from this build (:/guide/README.md)."));
    m_sections->setObjectName(QStringLiteral("sections"));
    m_sections->addItem(tr("(top)"));
    for (const QTextBlock &b : sectionBlocks(m_text->document()))
        m_sections->addItem(b.text());
    connect(m_text, &QTextBrowser::anchorClicked, this, &UserGuide::followLink);
    connect(m_sections, &QListWidget::currentTextChanged, this, [this](const QString &heading) {
        if (m_sections->currentRow() == 0)
            m_text->verticalScrollBar()->setValue(0);
        else
            showSection(heading);
    });

    auto *split = new QSplitter(this);
    split->addWidget(m_sections);
    split->addWidget(m_text);
    split->setStretchFactor(1, 1);
    split->setSizes({200, 800});
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);
    layout->addWidget(buttons);
    resize(1060, 720);
}

bool UserGuide::showSection(const QString &heading)
{
    const QList<QTextBlock> blocks = sectionBlocks(m_text->document());
    const auto block = std::find_if(blocks.cbegin(), blocks.cend(), [&heading](const QTextBlock &b) { return b.text() == heading; });
    if (block == blocks.cend())
        return false;
    QAbstractTextDocumentLayout *layout = m_text->document()->documentLayout();
    layout->documentSize(); // the whole text laid out (Qt lays a long one out in steps), so the place is final
    const QRectF at = layout->blockBoundingRect(*block);
    m_text->verticalScrollBar()->setValue(int(at.top()));
    const QList<QListWidgetItem *> items = m_sections->findItems(heading, Qt::MatchExactly);
    if (!items.isEmpty() && m_sections->currentItem() != items.first()) {
        const QSignalBlocker quiet(m_sections);
        m_sections->setCurrentItem(items.first());
    }
    return true;
}

QString UserGuide::sectionInView() const
{
    const int top = m_text->verticalScrollBar()->value();
    QAbstractTextDocumentLayout *layout = m_text->document()->documentLayout();
    QString heading;
    for (const QTextBlock &b : sectionBlocks(m_text->document())) {
        if (layout->blockBoundingRect(b).top() > top + 1)
            break;
        heading = b.text();
    }
    return heading;
}

void UserGuide::followLink(const QUrl &url)
{
    if (url.scheme().isEmpty() && url.path().isEmpty() && url.hasFragment()) {
        for (const QTextBlock &b : sectionBlocks(m_text->document()))
            if (anchorOf(b.text()) == url.fragment()) {
                showSection(b.text());
                return;
            }
        return;
    }
    QDesktopServices::openUrl(url);
}
