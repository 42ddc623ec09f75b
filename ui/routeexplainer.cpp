#include "routeexplainer.h"

#include "configstore.h"
#include "methodbox.h"
#include "requestparser.h"
#include "vars.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

RouteExplainer::RouteExplainer(const ConfigStore *store, QWidget *parent)
    : QDialog(parent), m_store(store), m_method(newMethodBox(this)), m_url(new QLineEdit(QStringLiteral("/"), this)),
      m_host(new QLineEdit(this)), m_client(new QLineEdit(QStringLiteral("127.0.0.1"), this)), m_headers(new QPlainTextEdit(this)),
      m_summary(new QLabel(this)), m_routes(new QTreeWidget(this))
{
    setWindowTitle(tr("Why this route"));
    m_url->setObjectName(QStringLiteral("url"));
    m_url->setPlaceholderText(tr("/path?query"));
    m_host->setObjectName(QStringLiteral("host"));
    m_host->setPlaceholderText(tr("the Host header, e.g. api.example.com"));
    m_client->setObjectName(QStringLiteral("client"));
    m_headers->setObjectName(QStringLiteral("headers"));
    m_headers->setPlaceholderText(tr("Name: value, one a line (for vars such as http_x_user or cookie_…)"));
    m_headers->setMaximumHeight(80);
    m_summary->setWordWrap(true);
    m_routes->setObjectName(QStringLiteral("routes"));
    m_routes->setColumnCount(4);
    m_routes->setHeaderLabels({tr("Outcome"), tr("Route"), tr("Name"), tr("Why")});
    m_routes->setRootIsDecorated(false);
    m_routes->setWordWrap(true);
    m_routes->header()->setStretchLastSection(true);
    m_routes->setColumnWidth(0, 110);
    m_routes->setColumnWidth(1, 110);
    m_routes->setColumnWidth(2, 160);
    auto *form = new QFormLayout;
    form->addRow(tr("&Method:"), m_method);
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("H&ost:"), m_host);
    form->addRow(tr("&Client address:"), m_client);
    form->addRow(tr("H&eaders:"), m_headers);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *run = buttons->addButton(tr("E&xplain"), QDialogButtonBox::ActionRole);
    for (QPushButton *b : buttons->findChildren<QPushButton *>())
        b->setAutoDefault(false);
    run->setDefault(true);
    connect(run, &QPushButton::clicked, this, &RouteExplainer::explain);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(store, &ConfigStore::changed, this, &RouteExplainer::explain, Qt::QueuedConnection); // the answer follows the routes
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_routes, 1);
    layout->addWidget(buttons);
    resize(900, 600);
    explain();
}

void RouteExplainer::setExchange(const CapturedExchange &exchange)
{
    const CapturedMessage &request = exchange.clientRequest;
    m_method->setCurrentText(QString::fromLatin1(request.method));
    m_url->setText(QString::fromUtf8(request.target));
    m_host->setText(QString::fromUtf8(request.headers.value("host")));
    m_client->setText(exchange.clientAddress.section(QLatin1Char(':'), 0, -2).remove(QLatin1Char('[')).remove(QLatin1Char(']')));
    QStringList headers;
    for (const auto &[name, value] : request.headers.fields())
        if (!headerNameIs(name, "host"))
            headers << QString::fromUtf8(name + ": " + value);
    m_headers->setPlainText(headers.join(QLatin1Char('\n')));
    explain();
}

void RouteExplainer::explain()
{
    // The request as the proxy reads it: through the engine's own parser (its Host rules, absolute-form
    // targets, nginx's normalised path), so the routes see exactly what they would see.
    const QByteArray target = m_url->text().trimmed().isEmpty() ? QByteArray("/") : m_url->text().trimmed().toUtf8();
    const QByteArray host = m_host->text().trimmed().toUtf8();
    QByteArray head = m_method->currentText().trimmed().toUtf8() + ' ' + target + (host.isEmpty() ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
    if (!host.isEmpty())
        head += "Host: " + host + "\r\n";
    for (const QString &line : m_headers->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        if (line.indexOf(QLatin1Char(':')) > 0)
            head += line.trimmed().toUtf8() + "\r\n";
    head += "\r\n";
    RequestParser parser;
    std::optional<HttpRequest> parsed;
    parser.setHeadCheck([&parsed](const HttpRequest &request, QByteArray *) {
        parsed = request; // the head is all routing needs; a body the headers announce is not waited for
        return 0;
    });
    qsizetype consumed = 0;
    const RequestParser::Result result = parser.feed(head, &consumed);
    m_routes->clear();
    if (result == RequestParser::Result::Error || !parsed) {
        m_summary->setText(tr("The proxy answers %1 before routing: %2").arg(parser.errorStatus()).arg(QString::fromUtf8(parser.errorText())));
        return;
    }
    const HttpRequest &request = *parsed;
    VarContext vars;
    vars.client = &request;
    vars.upstream = &request;
    vars.peer = QHostAddress(m_client->text().trimmed());
    const VarsExpr::Lookup lookup = [&vars](QByteArrayView name) { return lookupVar(vars, name); };
    const QByteArray requestHost = request.host();
    const MatchInput in{request.method, request.uri, requestHost, vars.peer, &lookup};
    const auto snapshot = m_store->snapshot();
    const QList<RouteVerdict> verdicts = snapshot->router.explain(in);
    static const char *const outcomes[] = {"matched", "also matches", "skipped"};
    QString matched;
    for (const RouteVerdict &v : verdicts) {
        auto *item = new QTreeWidgetItem(m_routes, {tr(outcomes[int(v.outcome)]), v.routeId, v.routeName, v.reason});
        if (v.outcome == RouteVerdict::Outcome::Matched) {
            matched = v.routeId;
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int c = 0; c < 4; ++c)
                item->setFont(c, bold);
        }
    }
    m_summary->setText(matched.isEmpty()
                           ? tr("No route takes %1 %2: the proxy answers 404 (after the global rules).").arg(QString::fromUtf8(request.method), QString::fromUtf8(request.uri))
                           : tr("Route %1 takes %2 %3 (routed on %4).").arg(matched, QString::fromUtf8(request.method), QString::fromUtf8(request.target), QString::fromUtf8(request.uri)));
}

QStringList RouteExplainer::lines() const
{
    QStringList out;
    for (int i = 0; i < m_routes->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_routes->topLevelItem(i);
        out << QStringLiteral("%1 %2: %3").arg(item->text(0), item->text(1), item->text(3));
    }
    return out;
}
