#pragma once

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class RunnerProcess;

// The Plugin Runner's log, live: its state changes and every line it writes, the newest at the bottom
// (kept in view unless the user scrolled up to read), with Restart and Copy. Without a runner process
// of ours (none configured, or a runner socket given) Restart is off and says why.
class RunnerLog : public QDialog
{
    Q_OBJECT
public:
    static constexpr int kMaxLines = 2000;

    RunnerLog(RunnerProcess *runner, const QStringList &lines, QWidget *parent = nullptr);
    void appendLine(const QString &line);
    void setState(const QString &html);
    // Asks the runner's thread to end the runner and start it again.
    void restart();
    QPlainTextEdit *text() const { return m_text; }
    QPushButton *restartButton() const { return m_restart; }

private:
    RunnerProcess *m_runner;
    QLabel *m_state;
    QPlainTextEdit *m_text;
    QPushButton *m_restart;
};
