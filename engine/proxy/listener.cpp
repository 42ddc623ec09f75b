#include "listener.h"

#include "proxyworker.h"

#include <QThread>

Listener::Listener(QList<ProxyWorker *> workers, QObject *parent)
    : Acceptor(parent), m_workers(std::move(workers))
{
}

void Listener::incomingConnection(qintptr descriptor, Ended ended)
{
    ProxyWorker *worker = m_workers[m_next++ % m_workers.size()];
    if (worker->thread() == QThread::currentThread())
        worker->addConnection(descriptor, std::move(ended));
    else
        QMetaObject::invokeMethod(worker, [worker, descriptor, ended = std::move(ended)]() mutable {
            worker->addConnection(descriptor, std::move(ended));
        }, Qt::QueuedConnection);
}
