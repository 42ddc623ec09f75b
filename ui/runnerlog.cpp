#include "runnerlog.h"

#include "runnerprocess.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

RunnerLog::RunnerLog(RunnerProcess *runner, const QStringList &lines, QWidget *parent)
    : QDialog(parent), m_runner(runner), m_state(new QLabel(this)), m_text(new QPlainTextEdit(this)), m_restart(nullptr)
{
    setWindowTitle(tr("Plugin Runner log"));
    m_state->setObjectName(QStringLiteral("state"));
    m_state->setTextFormat(Qt::RichText);
    m_text->setObjectName(QStringLiteral("log"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth); // a long stack trace line is read whole
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setMaximumBlockCount(kMaxLines);
    m_text->setPlaceholderText(tr("Nothing from the runner yet."));
    m_text->setPlainText(lines.join(QLatin1Char('\n')));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_restart = buttons->addButton(tr("&Restart runner"), QDialogButtonBox::ActionRole);
    m_restart->setObjectName(QStringLiteral("restart"));
    m_restart->setEnabled(runner != nullptr);
    m_restart->setToolTip(runner ? tr("End the runner and start it again now (after rebuilding it, say); routes with ext-plugin-* answer 503 until it is ready")
                                 : tr("RouteScope did not start this runner (none configured, or a runner socket was given): restart it where it runs"));
    QPushButton *copy = buttons->addButton(tr("&Copy all"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copy"));
    for (QPushButton *b : buttons->findChildren<QPushButton *>())
        b->setAutoDefault(false); // Return does not restart the runner
    connect(m_restart, &QPushButton::clicked, this, &RunnerLog::restart);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_text->toPlainText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_state);
    layout->addWidget(m_text, 1);
    layout->addWidget(buttons);
    m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());
    resize(860, 460);
}

void RunnerLog::appendLine(const QString &line)
{
    QScrollBar *bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    const int kept = bar->value();
    m_text->appendPlainText(line);
    bar->setValue(atEnd ? bar->maximum() : kept);
}

void RunnerLog::setState(const QString &html)
{
    m_state->setText(html);
}

void RunnerLog::restart()
{
    if (!m_runner)
        return;
    appendLine(tr("— restart asked for —"));
    RunnerProcess *runner = m_runner;
    QMetaObject::invokeMethod(runner, [runner] { runner->restart(); }, Qt::QueuedConnection);
}
