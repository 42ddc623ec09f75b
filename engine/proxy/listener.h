#pragma once

#include "acceptor.h"

#include <QList>

class ProxyWorker;

// Accepts proxy connections and hands each to the next worker, in that worker's thread.
class Listener : public Acceptor
{
    Q_OBJECT
public:
    explicit Listener(QList<ProxyWorker *> workers, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor, Ended ended) override;

private:
    QList<ProxyWorker *> m_workers;
    qsizetype m_next = 0;
};
