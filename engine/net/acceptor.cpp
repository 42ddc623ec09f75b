#include "acceptor.h"

#include "coarseclock.h"
#include "socketaddress.h"

#include <QMutex>
#include <QSocketNotifier>

#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

struct Acceptor::Count
{
    std::atomic<int> open{0};
    std::atomic<bool> pausedAtCap{false};
    QMutex mutex;
    Acceptor *owner = nullptr; // null once the acceptor is gone

    void ended()
    {
        open.fetch_sub(1);
        if (!pausedAtCap.exchange(false))
            return;
        QMutexLocker lock(&mutex);
        if (owner) // queued: a posted call to a deleted object is dropped
            QMetaObject::invokeMethod(owner, [a = owner] {
                if (a->m_retry.isActive())
                    return; // out of descriptors: the retry comes first
                a->setAccepting(true);
                a->acceptSome();
            }, Qt::QueuedConnection);
    }
};

namespace {
bool outOfDescriptors(int error)
{
    return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}
} // namespace

Acceptor::Acceptor(QObject *parent)
    : QObject(parent), m_count(std::make_shared<Count>())
{
    m_count->owner = this;
    m_retry.setParent(this); // moves to the acceptor's thread with it
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        setAccepting(true);
        acceptSome();
    });
}

Acceptor::~Acceptor()
{
    {
        QMutexLocker lock(&m_count->mutex);
        m_count->owner = nullptr;
    }
    close();
}

bool Acceptor::listen(const QHostAddress &address, quint16 port)
{
    close();
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    if (!v6 && address.protocol() != QAbstractSocket::IPv4Protocol) {
        m_error = QStringLiteral("not an IP address: %1").arg(address.toString());
        return false;
    }
    const SocketAddress at = toSocketAddress(address, port);
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        m_error = errnoText(errno);
        return false;
    }
    const int one = 1, zero = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)); // a restart binds at once, as nginx does
    if (v6 && address.isEqual(QHostAddress::AnyIPv6, QHostAddress::StrictConversion))
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&at.storage), at.length) < 0 || ::listen(fd, 511) < 0) {
        m_error = errno == EADDRINUSE ? QStringLiteral("the address is already in use") : errnoText(errno);
        ::close(fd);
        return false;
    }
    m_port = addressOf(fd, false).second;
    m_fd = fd;
    m_error.clear();
    m_notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] { acceptSome(); });
    return true;
}

int Acceptor::openConnections() const
{
    return m_count->open.load();
}

void Acceptor::close()
{
    m_retry.stop();
    delete m_notifier;
    m_notifier = nullptr;
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_port = 0;
}

void Acceptor::setAccepting(bool on)
{
    if (m_notifier)
        m_notifier->setEnabled(on);
}

bool Acceptor::pauseAtCap()
{
    if (m_max <= 0 || m_count->open.load() < m_max)
        return false;
    setAccepting(false);
    m_count->pausedAtCap.store(true);
    // A connection that ended between the check and the flag found no flag to clear: look again.
    if (m_count->open.load() < m_max && m_count->pausedAtCap.exchange(false)) {
        setAccepting(true);
        return false;
    }
    return true;
}

void Acceptor::acceptSome()
{
    for (int i = 0; i < 64 && m_fd >= 0; ++i) { // a batch, then the other sockets of the thread get a turn
        if (pauseAtCap())
            return;
        const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            m_count->open.fetch_add(1);
            incomingConnection(fd, [count = m_count] { count->ended(); });
            continue;
        }
        const int error = errno;
        if (error == EAGAIN || error == EWOULDBLOCK)
            return;
        if (error == EINTR || error == ECONNABORTED || error == EPROTO || error == EPERM)
            continue; // that one connection is gone; others may wait
        // Out of descriptors (or worse): the backlog stays full and readable, so calling again would spin.
        setAccepting(false);
        m_retry.start(kRetryMs);
        ++m_descriptorPauses;
        const qint64 now = coarseNowMs();
        if (now - m_lastWarningMs >= 10000 || !m_lastWarningMs) {
            m_lastWarningMs = now;
            qWarning("cannot accept a connection on port %u: %s%s; accepting again in %d ms", unsigned(m_port),
                     qPrintable(errnoText(error)),
                     outOfDescriptors(error) ? " (raise the descriptor limit, ulimit -n, or lower worker_connections)" : "",
                     kRetryMs);
        }
        return;
    }
}
