#pragma once

#include "capturedexchange.h"

#include <QDialog>
#include <QHostAddress>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

// Edit and replay (issue 16): an exchange's client request in an editor (method, target, headers, body),
// sent through the proxy as often as the user presses Send; each answer is a new exchange in the traffic
// view. It stays open, so a request can be changed and sent again.
class ReplayEditor : public QDialog
{
    Q_OBJECT
public:
    ReplayEditor(QHostAddress proxy, quint16 port, QWidget *parent = nullptr);
    void setRequest(const CapturedMessage &request);
    // The request as edited, or an empty method and why not in `error`.
    CapturedMessage request(QString *error) const;
    void send();
    QString statusText() const;

Q_SIGNALS:
    void message(const QString &text);

private:
    QHostAddress m_proxy;
    quint16 m_port;
    QComboBox *m_method;
    QLineEdit *m_target;
    QPlainTextEdit *m_headers;
    QPlainTextEdit *m_body;
    QLabel *m_status;
    QPushButton *m_send;
    int m_sent = 0;
};
