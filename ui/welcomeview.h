#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

// What the traffic view shows before anything went through the proxy: what is running and where, a
// button that sends a test request, the curl commands of the APISIX docs with this engine's addresses and
// key (each with Copy), and the admin key behind Show / Copy.
class WelcomeView : public QWidget
{
    Q_OBJECT
public:
    struct Info
    {
        QString proxyUrl;   // "http://127.0.0.1:9080"
        QString adminUrl;   // "http://127.0.0.1:9180"
        QString demoUrl;    // "" when the demo upstream is off
        QString runner;     // "" when none is configured
        QString adminKey;
    };
    explicit WelcomeView(QWidget *parent = nullptr);
    void setInfo(const Info &info);
    // The shell commands, with the real key (what Copy puts on the clipboard).
    QStringList commands() const;

Q_SIGNALS:
    void sendTestRequest();

private:
    void refresh();

    Info m_info;
    bool m_showKey = false;
    QLabel *m_running;
    QLabel *m_key;
    QPushButton *m_showKeyButton;
    QList<QLabel *> m_commandLabels;
};
