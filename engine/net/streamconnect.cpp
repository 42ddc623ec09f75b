// Stream: connecting (numeric addresses, host-name lookup, Unix paths) and socket addresses.
#include "stream.h"

#include "socketaddress.h"

#include <QFile>
#include <QHostInfo>

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>


void Stream::connectToHost(const QString &host, quint16 port)
{
    m_target = host + QLatin1Char(':') + QString::number(port);
    QHostAddress address;
    if (address.setAddress(host)) {
        const SocketAddress sa = toSocketAddress(address, port);
        startConnect(sa.storage.ss_family, &sa.storage, sa.length, m_target);
        return;
    }
    m_state = State::Connecting;
    QHostInfo::lookupHost(host, this, [this, port](const QHostInfo &info) {
        if (m_state != State::Connecting)
            return; // aborted meanwhile
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            fail(QStringLiteral("cannot resolve %1: %2").arg(m_target, info.errorString()));
            reportClosedLater();
            return;
        }
        const SocketAddress sa = toSocketAddress(info.addresses().constFirst(), port);
        startConnect(sa.storage.ss_family, &sa.storage, sa.length, m_target);
    });
}

void Stream::connectToPath(const QString &path)
{
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    const QByteArray encoded = QFile::encodeName(path);
    m_target = path;
    if (encoded.size() >= qsizetype(sizeof(sun.sun_path))) {
        m_state = State::Connecting;
        fail(QStringLiteral("the socket path is longer than a Unix socket allows"));
        reportClosedLater();
        return;
    }
    std::memcpy(sun.sun_path, encoded.constData(), size_t(encoded.size()));
    startConnect(AF_UNIX, &sun, sizeof(sun), path);
}

void Stream::startConnect(int family, const void *address, unsigned length, const QString &target)
{
    m_target = target;
    m_state = State::Connecting;
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail(errnoText(errno));
        reportClosedLater();
        return;
    }
    if (family != AF_UNIX) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    int r;
    do
        r = ::connect(fd, static_cast<const sockaddr *>(address), socklen_t(length));
    while (r < 0 && errno == EINTR);
    // EAGAIN here is a Unix socket whose listen backlog is full: a failure the caller may retry.
    if (r < 0 && errno != EINPROGRESS) {
        m_errno = errno;
        ::close(fd);
        fail(errnoText(m_errno));
        reportClosedLater();
        return;
    }
    // Whether connect() finished at once or not, the outcome is told from the event loop, never from here:
    // the first output readiness (which epoll reports at once for a socket already connected).
    if (!attach(fd))
        reportClosedLater();
}

bool Stream::attach(int fd)
{
    m_fd = fd;
    m_watchingOutput = m_state == State::Connecting; // output readiness says the connect is done
    if (IoLoop::current()->add(fd, this, m_watchingOutput, &m_error))
        return true;
    ::close(m_fd);
    m_fd = -1;
    fail(m_error);
    return false;
}

void Stream::finishConnect()
{
    int error = 0;
    socklen_t len = sizeof(error);
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
        error = errno;
    if (error != 0) {
        m_errno = error;
        fail(errnoText(error));
        if (m_handler && !m_closedReported) {
            m_closedReported = true;
            m_handler->streamClosed(this);
        }
        return;
    }
    m_state = State::Connected;
    if (!flushQueue())
        return;
    if (m_handler)
        m_handler->streamConnected(this);
}

QHostAddress Stream::peerAddress() const
{
    return addressOf(m_fd, true).first;
}

quint16 Stream::peerPort() const
{
    return addressOf(m_fd, true).second;
}

QHostAddress Stream::localAddress() const
{
    return addressOf(m_fd, false).first;
}

quint16 Stream::localPort() const
{
    return addressOf(m_fd, false).second;
}

qint64 Stream::peerProcessId() const
{
    ucred credentials{};
    socklen_t length = sizeof(credentials);
    if (m_fd < 0 || ::getsockopt(m_fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        return 0;
    return credentials.pid;
}
