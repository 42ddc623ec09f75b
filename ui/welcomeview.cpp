#include "welcomeview.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QGridLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
QString masked(QString text, const QString &key)
{
    return key.isEmpty() ? text : text.replace(key, QString(8, QChar(0x2022)));
}
} // namespace

WelcomeView::WelcomeView(QWidget *parent)
    : QWidget(parent), m_running(new QLabel(this)), m_key(new QLabel(this)), m_showKeyButton(new QPushButton(tr("Show"), this))
{
    auto *title = new QLabel(tr("<h2>Nothing has gone through the proxy yet</h2>"), this);
    m_running->setWordWrap(true);
    m_running->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *send = new QPushButton(tr("Send a test request"), this);
    send->setObjectName(QStringLiteral("sendTestRequest"));
    connect(send, &QPushButton::clicked, this, &WelcomeView::sendTestRequest);
    auto *grid = new QGridLayout;
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    const QStringList what = {tr("A request through the proxy:"), tr("The routes, from the Admin API:"),
                              tr("Route 1 of the APISIX ext-plugin-post-resp docs:")};
    for (int i = 0; i < what.size(); ++i) {
        auto *label = new QLabel(this);
        label->setFont(mono);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_commandLabels << label;
        auto *copy = new QPushButton(tr("Copy"), this);
        copy->setObjectName(QStringLiteral("copyCommand%1").arg(i));
        connect(copy, &QPushButton::clicked, this, [this, i] { QApplication::clipboard()->setText(commands().value(i)); });
        grid->addWidget(new QLabel(what[i], this), i * 2, 0, 1, 2);
        grid->addWidget(label, i * 2 + 1, 0);
        grid->addWidget(copy, i * 2 + 1, 1, Qt::AlignTop);
    }
    grid->setColumnStretch(0, 1);
    m_key->setFont(mono);
    m_key->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_showKeyButton->setObjectName(QStringLiteral("showKey"));
    m_showKeyButton->setCheckable(true);
    connect(m_showKeyButton, &QPushButton::toggled, this, [this](bool on) {
        m_showKey = on;
        m_showKeyButton->setText(on ? tr("Hide") : tr("Show"));
        refresh();
    });
    auto *copyKey = new QPushButton(tr("Copy key"), this);
    copyKey->setObjectName(QStringLiteral("copyKey"));
    connect(copyKey, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_info.adminKey); });
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(new QLabel(tr("Admin API key:"), this));
    keyRow->addWidget(m_key);
    keyRow->addWidget(m_showKeyButton);
    keyRow->addWidget(copyKey);
    keyRow->addStretch();

    auto *column = new QVBoxLayout;
    column->addWidget(title);
    column->addWidget(m_running);
    column->addWidget(send, 0, Qt::AlignLeft);
    column->addSpacing(12);
    column->addWidget(new QLabel(tr("<b>Or from a shell</b> (each exchange appears here as it happens):"), this));
    column->addLayout(grid);
    column->addSpacing(8);
    column->addLayout(keyRow);
    column->addStretch();
    auto *layout = new QHBoxLayout(this);
    layout->addLayout(column, 1);
    layout->setContentsMargins(24, 16, 24, 16);
    refresh();
}

void WelcomeView::setInfo(const Info &info)
{
    m_info = info;
    refresh();
}

QStringList WelcomeView::commands() const
{
    const QString key = m_info.adminKey.isEmpty() ? QStringLiteral("$ROUTESCOPE_ADMIN_KEY") : m_info.adminKey;
    const QJsonObject conf{{QStringLiteral("name"), QStringLiteral("ext-plugin-A")}, {QStringLiteral("value"), QStringLiteral("{\"enable\":\"feature\"}")}};
    const QJsonObject route{{QStringLiteral("uri"), QStringLiteral("/index.html")},
                            {QStringLiteral("plugins"), QJsonObject{{QStringLiteral("ext-plugin-post-resp"), QJsonObject{{QStringLiteral("conf"), QJsonArray{conf}}}}}},
                            {QStringLiteral("upstream"), QJsonObject{{QStringLiteral("type"), QStringLiteral("roundrobin")},
                                                                     {QStringLiteral("nodes"), QJsonObject{{QStringLiteral("127.0.0.1:1980"), 1}}}}}};
    const QString route1 = QString::fromUtf8(QJsonDocument(route).toJson(QJsonDocument::Compact));
    return {QStringLiteral("curl -i %1/demo/get").arg(m_info.proxyUrl),
            QStringLiteral("curl %1/apisix/admin/routes -H 'X-API-KEY: %2'").arg(m_info.adminUrl, key),
            QStringLiteral("curl %1/apisix/admin/routes/1 -H 'X-API-KEY: %2' -X PUT -d '%3'").arg(m_info.adminUrl, key, route1)};
}

void WelcomeView::refresh()
{
    QStringList running{tr("Proxy <b>%1</b>").arg(m_info.proxyUrl.toHtmlEscaped()),
                        tr("Admin API <b>%1/apisix/admin</b>").arg(m_info.adminUrl.toHtmlEscaped())};
    if (!m_info.demoUrl.isEmpty())
        running << tr("demo upstream <b>%1</b>").arg(m_info.demoUrl.toHtmlEscaped());
    running << (m_info.runner.isEmpty() ? tr("no Plugin Runner configured") : tr("Plugin Runner: %1").arg(m_info.runner.toHtmlEscaped()));
    m_running->setText(tr("Running: %1.").arg(running.join(QStringLiteral(", "))));
    const QStringList all = commands();
    for (int i = 0; i < m_commandLabels.size(); ++i)
        m_commandLabels[i]->setText(m_showKey ? all.value(i) : masked(all.value(i), m_info.adminKey));
    m_key->setText(m_info.adminKey.isEmpty() ? tr("(from ROUTESCOPE_ADMIN_KEY)") : m_showKey ? m_info.adminKey : masked(m_info.adminKey, m_info.adminKey));
}
