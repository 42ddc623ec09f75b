#include "exchangeview.h"

#include "changesview.h"
#include "messageview.h"
#include "runnerview.h"
#include "timingview.h"

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
}

MessageView *ExchangeView::messageView(Tab tab) const
{
    return tab <= ClientResponse ? m_messages[tab] : nullptr;
}

void ExchangeView::setExchange(const ExchangePtr &e)
{
    m_exchange = e;
    if (!e) {
        for (MessageView *m : m_messages)
            m->setMessage({}, true, tr("Select an exchange."));
        m_changes->clear();
        return;
    }
    m_messages[ClientRequest]->setMessage(e->clientRequest, true, tr("No request."));
    m_messages[UpstreamRequest]->setMessage(e->upstreamRequest, true,
        tr("The upstream was not called (%1).").arg(e->errorText.isEmpty() ? tr("no route, or the runner stopped the request") : e->errorText));
    m_messages[UpstreamResponse]->setMessage(e->upstreamResponse, false,
        tr("No upstream response%1.").arg(e->errorText.isEmpty() ? QString() : QStringLiteral(": ") + e->errorText));
    m_messages[ClientResponse]->setMessage(e->clientResponse, false, tr("No response was sent."));
    m_changes->setExchange(e);
    m_runner->setExchange(*e);
    m_timing->setTimings(e->timings);
    setTabText(Runner, e->frames.isEmpty() ? tr("Runner") : tr("Runner (%1)").arg(e->frames.size()));
}

bool ExchangeView::find(const QString &text)
{
    MessageView *view = currentIndex() <= ClientResponse ? m_messages[currentIndex()] : m_messages[ClientResponse];
    if (currentIndex() > ClientResponse)
        setCurrentIndex(ClientResponse);
    return view->find(text);
}
