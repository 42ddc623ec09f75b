#pragma once

#include <QList>
#include <QTcpServer>

class ProxyWorker;

// Accepts connections and hands each to the next worker, in that worker's thread.
class Listener : public QTcpServer
{
    Q_OBJECT
public:
    explicit Listener(QList<ProxyWorker *> workers, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QList<ProxyWorker *> m_workers;
    qsizetype m_next = 0;
};
