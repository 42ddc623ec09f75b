#pragma once

#include "capturedexchange.h"

#include <QFutureWatcher>
#include <QWidget>

#include "bodytext.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;

// One version of a message: start line and headers, then the body made readable (decoded,
// pretty-printed, hex for binary, a preview for images). Large bodies are prepared off the GUI thread,
// and only a bounded prefix is laid out until the user asks for all of it; the exact bytes can be saved.
class MessageView : public QWidget
{
    Q_OBJECT
public:
    static constexpr qsizetype kShownChars = 128 * 1024;
    static constexpr qsizetype kLineChars = 1024;

    explicit MessageView(QWidget *parent = nullptr);
    // `context`, when given, is a line above the message: what the proxy made of it (e.g. the routing path).
    void setMessage(const CapturedMessage &message, bool isRequest, const QString &absentText, const QString &context = {});
    QString contextText() const;
    // Selects the next (or previous) match of `text`, wrapping around; which one it is and how many there are.
    struct FindResult
    {
        int index = 0; // 1-based; 0: not found
        int count = 0;
    };
    FindResult find(const QString &text, bool backward = false);
    QString plainText() const;
    QPushButton *showAllButton() const { return m_showAll; }
    QPushButton *saveButton() const { return m_save; }
    // Writes the body as captured (content-encoding kept) to `path`; an error text, or empty.
    QString saveBody(const QString &path) const;

private:
    void showBody(const BodyText &body);
    void render();

    QLabel *m_context;
    QLabel *m_note;
    QPushButton *m_showAll;
    QPushButton *m_save;
    QPlainTextEdit *m_text;
    QLabel *m_image;
    QString m_head;
    CapturedMessage m_message;
    BodyText m_body;
    bool m_all = false;
    QFutureWatcher<BodyText> m_watcher;
    quint64 m_generation = 0;
};

QString headText(const CapturedMessage &m, bool isRequest);
