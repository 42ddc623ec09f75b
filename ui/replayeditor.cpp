#include "replayeditor.h"

#include "methodbox.h"
#include "replay.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

ReplayEditor::ReplayEditor(QHostAddress proxy, quint16 port, QWidget *parent)
    : QDialog(parent), m_proxy(std::move(proxy)), m_port(port), m_method(newMethodBox(this)),
      m_target(new QLineEdit(QStringLiteral("/"), this)), m_headers(new QPlainTextEdit(this)), m_body(new QPlainTextEdit(this)),
      m_status(new QLabel(this)), m_send(nullptr)
{
    setWindowTitle(tr("Edit and replay"));
    m_target->setObjectName(QStringLiteral("target"));
    m_target->setPlaceholderText(tr("/path?query"));
    m_headers->setObjectName(QStringLiteral("headers"));
    m_headers->setPlaceholderText(tr("Name: value, one a line (Content-Length and Connection are set when it is sent)"));
    m_headers->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_headers->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_body->setObjectName(QStringLiteral("body"));
    m_body->setPlaceholderText(tr("no body"));
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *form = new QFormLayout;
    form->addRow(tr("&Method:"), m_method);
    form->addRow(tr("&Target:"), m_target);
    form->addRow(tr("&Headers:"), m_headers);
    form->addRow(tr("&Body:"), m_body);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_send = buttons->addButton(tr("&Send"), QDialogButtonBox::ActionRole);
    m_send->setObjectName(QStringLiteral("send"));
    m_send->setToolTip(tr("Send through the proxy (Ctrl+Return); the answer is a new exchange in the traffic view"));
    m_send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    for (QPushButton *b : buttons->findChildren<QPushButton *>())
        b->setAutoDefault(false); // Return is a new line in the headers and the body, not Send
    connect(m_send, &QPushButton::clicked, this, &ReplayEditor::send);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    m_status->setText(tr("Sent through the proxy at %1:%2, as a client would send it.").arg(m_proxy.toString()).arg(m_port));
    resize(640, 520);
}

void ReplayEditor::setRequest(const CapturedMessage &request)
{
    m_method->setCurrentText(QString::fromLatin1(request.method));
    m_target->setText(QString::fromUtf8(request.target));
    QStringList lines;
    for (const auto &[name, value] : request.headers.fields())
        lines << QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromUtf8(value);
    m_headers->setPlainText(lines.join(QLatin1Char('\n')));
    m_body->setPlainText(QString::fromUtf8(request.body));
}

CapturedMessage ReplayEditor::request(QString *error) const
{
    CapturedMessage r;
    const QByteArray method = m_method->currentText().trimmed().toLatin1();
    const QByteArray target = m_target->text().trimmed().toUtf8();
    if (method.isEmpty() || method.contains(' ')) {
        *error = tr("The method is one word, such as GET.");
        return r;
    }
    if (target.isEmpty() || target.contains(' ')) {
        *error = tr("The target is a path with its query and no spaces, such as /a/b?x=1.");
        return r;
    }
    const QStringList lines = m_headers->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (int i = 0; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(QLatin1Char(':'));
        const QString name = lines[i].left(colon).trimmed();
        if (colon <= 0 || name.contains(QLatin1Char(' '))) {
            *error = tr("Header line %1 is not \"Name: value\": %2").arg(i + 1).arg(lines[i]);
            return r;
        }
        r.headers.add(name.toLatin1(), lines[i].mid(colon + 1).trimmed().toUtf8());
    }
    r.present = true;
    r.method = method;
    r.target = target;
    r.body = m_body->toPlainText().toUtf8();
    return r;
}

void ReplayEditor::send()
{
    QString error;
    const CapturedMessage r = request(&error);
    if (r.method.isEmpty()) {
        m_status->setText(error);
        return;
    }
    const int n = ++m_sent;
    m_status->setText(tr("Sending %1 %2…").arg(QString::fromLatin1(r.method), QString::fromUtf8(r.target)));
    replayThroughProxy(r, m_proxy, m_port, this, [this, n, line = QString::fromLatin1(r.method) + QLatin1Char(' ') + QString::fromUtf8(r.target)](const QString &why) {
        const QString text = why.isEmpty() ? tr("Sent %1 (request %2 of this editor): its answer is the newest exchange.").arg(line).arg(n)
                                           : tr("%1 was not sent: %2").arg(line, why);
        m_status->setText(text);
        Q_EMIT message(text);
    });
}

QString ReplayEditor::statusText() const
{
    return m_status->text();
}
