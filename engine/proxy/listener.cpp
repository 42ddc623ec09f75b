#include "listener.h"

#include "proxyworker.h"

#include <QThread>

Listener::Listener(QList<ProxyWorker *> workers, QObject *parent)
    : QTcpServer(parent), m_workers(std::move(workers))
{
}

void Listener::incomingConnection(qintptr descriptor)
{
    ProxyWorker *worker = m_workers[m_next++ % m_workers.size()];
    if (worker->thread() == QThread::currentThread())
        worker->addConnection(descriptor);
    else
        QMetaObject::invokeMethod(worker, [worker, descriptor] { worker->addConnection(descriptor); }, Qt::QueuedConnection);
}
