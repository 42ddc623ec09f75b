#include "exchangeview.h"

#include "changesview.h"
#include "messageview.h"
#include "runnerview.h"
#include "timingview.h"

namespace {
QString pathOf(const QByteArray &target)
{
    const qsizetype q = target.indexOf('?');
    return QString::fromUtf8(q < 0 ? target : target.left(q));
}
} // namespace

QString routingText(const CapturedExchange &e)
{
    if (e.routingPath.isEmpty())
        return {};
    const QString path = QString::fromUtf8(e.routingPath);
    const QString route = e.routeId.isEmpty() ? ExchangeView::tr("no route matched")
                          : e.routeName.isEmpty() ? ExchangeView::tr("route %1").arg(e.routeId)
                                                  : ExchangeView::tr("route %1 (%2)").arg(e.routeId, e.routeName);
    if (path == pathOf(e.clientRequest.target))
        return ExchangeView::tr("Routed on %1 → %2").arg(path, route);
    return ExchangeView::tr("Routed on %1, the path normalised as APISIX (nginx's $uri) does → %2").arg(path, route);
}

QString forwardedText(const CapturedExchange &e)
{
    if (!e.upstreamRequest.present)
        return {};
    const QString sent = pathOf(e.upstreamRequest.target);
    const QString asked = pathOf(e.clientRequest.target);
    QString text;
    if (sent != asked)
        text = ExchangeView::tr("Forwarded path %1: rewritten (the client asked for %2)").arg(sent, asked);
    else if (!e.routingPath.isEmpty() && sent != QString::fromUtf8(e.routingPath))
        text = ExchangeView::tr("Forwarded path %1: as the client sent it, not the routing path %2 (as APISIX does)")
                   .arg(sent, QString::fromUtf8(e.routingPath));
    else
        text = ExchangeView::tr("Forwarded path %1: as the client sent it").arg(sent);
    if (!e.upstreamAddress.isEmpty()) // the node the balancer chose (the last one tried, after retries)
        text += ExchangeView::tr(" · to node %1").arg(e.upstreamAddress);
    return text;
}

ExchangeView::ExchangeView(QWidget *parent)
    : QTabWidget(parent)
{
    const char *const titles[] = {"Client request", "Upstream request", "Upstream response (before)", "Client response (after)"};
    for (int i = 0; i < 4; ++i) {
        m_messages[i] = new MessageView(this);
        addTab(m_messages[i], tr(titles[i]));
    }
    m_changes = new ChangesView(this);
    addTab(m_changes, tr("Changes"));
    m_runner = new RunnerView(this);
    addTab(m_runner, tr("Runner"));
    m_timing = new TimingView(this);
    addTab(m_timing, tr("Timing"));
    setDocumentMode(true);
    connect(this, &QTabWidget::currentChanged, this, &ExchangeView::refresh);
    setExchange(nullptr);
}

MessageView *ExchangeView::messageView(Tab tab)
{
    refresh(tab);
    return tab <= ClientResponse ? m_messages[tab] : nullptr;
}

ChangesView *ExchangeView::changesView()
{
    refresh(Changes);
    return m_changes;
}

RunnerView *ExchangeView::runnerView()
{
    refresh(Runner);
    return m_runner;
}

void ExchangeView::setExchange(const ExchangePtr &e)
{
    m_exchange = e;
    m_stale = QList<bool>(count(), true);
    setTabText(Runner, !e || e->frames.isEmpty() ? tr("Runner") : tr("Runner (%1)").arg(e->frames.size()));
    refresh(currentIndex());
}

void ExchangeView::refresh(int tab)
{
    if (tab < 0 || tab >= m_stale.size() || !m_stale[tab])
        return;
    m_stale[tab] = false;
    const ExchangePtr &e = m_exchange;
    switch (tab) {
    case ClientRequest:
        m_messages[tab]->setMessage(e ? e->clientRequest : CapturedMessage(), true, e ? tr("No request.") : tr("Select an exchange."),
                                    e ? routingText(*e) : QString());
        break;
    case UpstreamRequest:
        m_messages[tab]->setMessage(e ? e->upstreamRequest : CapturedMessage(), true, !e ? tr("Select an exchange.")
            : tr("The upstream was not called (%1).").arg(e->errorText.isEmpty() ? tr("no route, or the runner stopped the request") : e->errorText),
            e ? forwardedText(*e) : QString());
        break;
    case UpstreamResponse:
        m_messages[tab]->setMessage(e ? e->upstreamResponse : CapturedMessage(), false, !e ? tr("Select an exchange.")
            : tr("No upstream response%1.").arg(e->errorText.isEmpty() ? QString() : QStringLiteral(": ") + e->errorText));
        break;
    case ClientResponse:
        m_messages[tab]->setMessage(e ? e->clientResponse : CapturedMessage(), false, e ? tr("No response was sent.") : tr("Select an exchange."));
        break;
    case Changes:
        m_changes->setExchange(e);
        break;
    case Runner:
        m_runner->setExchange(e ? *e : CapturedExchange());
        break;
    case Timing:
        m_timing->setTimings(e ? e->timings : ExchangeTimings());
        break;
    }
}

MessageView::FindResult ExchangeView::find(const QString &text, bool backward)
{
    if (currentIndex() > ClientResponse)
        setCurrentIndex(ClientResponse);
    return messageView(Tab(currentIndex()))->find(text, backward);
}
