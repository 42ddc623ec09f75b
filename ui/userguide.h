#pragma once

#include <QDialog>

class QListWidget;
class QTextBrowser;

// The README in the window (Help > User guide, F1; Help > User guide sections): the text of this very
// build, kept in its resources with the pictures it shows, its "## " sections listed beside it. A link
// to a section ("#tests") goes there; a web link opens in the browser.
class UserGuide : public QDialog
{
    Q_OBJECT
public:
    explicit UserGuide(QWidget *parent = nullptr);

    // The README's "## " headings, in order, read from its text (no document made: the Help menu lists
    // them at start-up). The guide itself takes them from its document, the same headings.
    static QStringList sections();
    // Scrolls `heading`'s section to the top and selects it in the list; false when there is none.
    bool showSection(const QString &heading);
    // The heading of the section at the top of the view.
    QString sectionInView() const;

    QTextBrowser *text() const { return m_text; }
    QListWidget *sectionList() const { return m_sections; }

private:
    void followLink(const QUrl &url);

    QListWidget *m_sections;
    QTextBrowser *m_text;
};
