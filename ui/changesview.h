#pragma once

#include "capturedexchange.h"
#include "changesdiff.h"

#include <QFutureWatcher>
#include <QWidget>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;

// "Before" (the upstream's response) next to "after" (what the client got), headers and body diffed
// line by line, with plain words for what the runner did and what APISIX semantics changed.
// Plain text only (no HTML layout), the diff computed off the GUI thread for large bodies, and a bounded
// number of rows shown until the user asks for all of them.
class ChangesView : public QWidget
{
    Q_OBJECT
public:
    // Each line's block user state in the two documents says what it is.
    enum LineKind { Same = 0, Removed = 1, Added = 2, Missing = 3, Heading = 4 };
    static constexpr int kShownRows = 2000;
    static constexpr int kLineChars = 2000;

    explicit ChangesView(QWidget *parent = nullptr);
    void setExchange(const ExchangePtr &e);
    // Compare (issue 16): exchange `a` on the left against `b` on the right, message by message.
    void compare(const ExchangePtr &a, const ExchangePtr &b);
    void clear();
    bool isComputing() const { return m_computing; }
    // Notes, summaries and both sides, for tests and copying.
    QString plainText() const;
    QPlainTextEdit *before() const { return m_before; }
    QPlainTextEdit *after() const { return m_after; }
    QPushButton *showAllButton() const { return m_showAll; }

private:
    // Computes `changes` here, or off the GUI thread when the bodies are large.
    void start(qsizetype bodyBytes, const QString &waiting, std::function<ExchangeChanges()> changes);
    void display(const ExchangeChanges &changes);
    void render();

    QLabel *m_notes;
    QLabel *m_status;
    QLabel *m_leftTitle;
    QLabel *m_rightTitle;
    QPlainTextEdit *m_before;
    QPlainTextEdit *m_after;
    QPushButton *m_showAll;
    QFutureWatcher<ExchangeChanges> m_watcher;
    quint64 m_generation = 0;
    ExchangeChanges m_changes;
    bool m_computing = false;
    bool m_all = false;
    bool m_comparing = false; // two exchanges: the notes already name each section that differs
};
