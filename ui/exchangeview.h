#pragma once

#include "capturedexchange.h"

#include <QTabWidget>

class ChangesView;
class MessageView;
class RunnerView;
class TimingView;

// Everything about one exchange: the four versions of the message, the changes between before and
// after, the runner conversation and the timing of each step.
class ExchangeView : public QTabWidget
{
    Q_OBJECT
public:
    enum Tab { ClientRequest, UpstreamRequest, UpstreamResponse, ClientResponse, Changes, Runner, Timing };

    explicit ExchangeView(QWidget *parent = nullptr);
    void setExchange(const ExchangePtr &e);
    ExchangePtr exchange() const { return m_exchange; }
    // Finds text in the message tab shown (or the client response), from the cursor on.
    bool find(const QString &text);
    MessageView *messageView(Tab tab) const;
    ChangesView *changesView() const { return m_changes; }
    RunnerView *runnerView() const { return m_runner; }

private:
    ExchangePtr m_exchange;
    MessageView *m_messages[4];
    ChangesView *m_changes;
    RunnerView *m_runner;
    TimingView *m_timing;
};
