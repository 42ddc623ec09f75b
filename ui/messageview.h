#pragma once

#include "capturedexchange.h"

#include <QFutureWatcher>
#include <QWidget>

#include "bodytext.h"

class QLabel;
class QPlainTextEdit;

// One version of a message: start line and headers, then the body made readable (decoded,
// pretty-printed, hex for binary, a preview for images). Large bodies are prepared off the GUI thread.
class MessageView : public QWidget
{
    Q_OBJECT
public:
    explicit MessageView(QWidget *parent = nullptr);
    void setMessage(const CapturedMessage &message, bool isRequest, const QString &absentText);
    bool find(const QString &text);
    QString plainText() const;

private:
    void showBody(const BodyText &body);

    QLabel *m_note;
    QPlainTextEdit *m_text;
    QLabel *m_image;
    QString m_head;
    QFutureWatcher<BodyText> m_watcher;
    quint64 m_generation = 0;
};

QString headText(const CapturedMessage &m, bool isRequest);
