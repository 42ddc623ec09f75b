#pragma once

#include "capturedexchange.h"

#include "messageview.h"

#include <QTabWidget>

class ChangesView;
class MessageView;
class RunnerView;
class TimingView;

// Everything about one exchange: the four versions of the message, the changes between before and
// after, the runner conversation and the timing of each step.
// The lines above the client and upstream requests: the path routed on, and the path forwarded.
QString routingText(const CapturedExchange &e);
QString forwardedText(const CapturedExchange &e);

class ExchangeView : public QTabWidget
{
    Q_OBJECT
public:
    enum Tab { ClientRequest, UpstreamRequest, UpstreamResponse, ClientResponse, Changes, Runner, Timing };

    explicit ExchangeView(QWidget *parent = nullptr);
    void setExchange(const ExchangePtr &e);
    ExchangePtr exchange() const { return m_exchange; }
    // Finds text in the message tab shown (or the client response), from the cursor on.
    MessageView::FindResult find(const QString &text, bool backward = false); // in the message tab in sight
    // A tab's view, brought up to date first: only the tab in sight is prepared as exchanges are selected
    // (big bodies cost work off the GUI thread, and two cores are soon busy).
    MessageView *messageView(Tab tab);
    ChangesView *changesView();
    RunnerView *runnerView();

private:
    void refresh(int tab);

    ExchangePtr m_exchange;
    QList<bool> m_stale;
    MessageView *m_messages[4];
    ChangesView *m_changes;
    RunnerView *m_runner;
    TimingView *m_timing;
};
