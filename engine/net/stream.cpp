#include "stream.h"

#include <QFile>
#include <QHostInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {
constexpr qsizetype kReadChunk = 64 * 1024;

char *readScratch()
{
    static thread_local std::unique_ptr<char[]> buffer(new char[kReadChunk]);
    return buffer.get();
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error)).toLower();
}

struct SocketAddress
{
    sockaddr_storage storage{};
    socklen_t length = 0;
};

SocketAddress toSocketAddress(const QHostAddress &address, quint16 port)
{
    SocketAddress out;
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *in = reinterpret_cast<sockaddr_in *>(&out.storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(address.toIPv4Address());
        out.length = sizeof(sockaddr_in);
    } else {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&out.storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, bytes.c, sizeof(bytes.c));
        out.length = sizeof(sockaddr_in6);
    }
    return out;
}

std::pair<QHostAddress, quint16> addressOf(int fd, bool peer)
{
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    const int r = peer ? ::getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &len)
                       : ::getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len);
    if (r != 0)
        return {};
    if (ss.ss_family == AF_INET)
        return {QHostAddress(reinterpret_cast<sockaddr *>(&ss)), ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port)};
    if (ss.ss_family == AF_INET6)
        return {QHostAddress(reinterpret_cast<sockaddr *>(&ss)), ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port)};
    return {};
}
} // namespace

Stream::Stream(QObject *parent)
    : QObject(parent)
{
}

Stream::~Stream()
{
    m_handler = nullptr;
    release();
}

bool Stream::adopt(qintptr descriptor)
{
    const int fd = int(descriptor);
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        m_error = errnoText(errno);
        ::close(fd);
        m_state = State::Closed;
        return false;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); // fails harmlessly on Unix sockets
    m_state = State::Connected;
    if (attach(fd))
        return true;
    m_state = State::Closed;
    return false;
}

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
    if (IoLoop::current()->add(fd, this, &m_error))
        return true;
    ::close(m_fd);
    m_fd = -1;
    fail(m_error);
    return false;
}

void Stream::ioReady(quint32 events)
{
    if (m_state == State::Connecting) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        finishConnect(); // then on to any input that came with it
        events &= ~quint32(EPOLLOUT);
    }
    if (m_state != State::Connected)
        return;
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        // A short read normally means "drained", but not when the end is already known: read on to it.
        onReadable(events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR));
        if (m_state != State::Connected) // closed, or aborted by the handler
            return;
    }
    if (events & (EPOLLOUT | EPOLLERR))
        onWritable();
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

void Stream::onReadable(bool toTheEnd)
{
    if (m_state != State::Connected)
        return;
    char *scratch = readScratch();
    qsizetype got = 0;
    bool closed = false;
    for (;;) {
        if (m_in.size() >= m_readLimit) {
            m_readPaused = true; // consume() reads on
            break;
        }
        const ssize_t n = ::read(m_fd, scratch, size_t(kReadChunk));
        if (n > 0) {
            m_in.append(scratch, n);
            got += n;
            if (n < kReadChunk && !toTheEnd)
                break; // drained: edge-triggered readiness tells us when more comes
            continue;
        }
        if (n == 0) {
            closed = true;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            m_errno = errno;
            m_error = errnoText(errno);
            closed = true;
        }
        break;
    }
    if (closed)
        m_state = State::Closed;
    if (got > 0 && m_handler)
        m_handler->streamReadable(this);
    if (closed && m_handler && !m_closedReported) {
        m_closedReported = true;
        m_handler->streamClosed(this);
    }
}

void Stream::consume(qsizetype bytes)
{
    if (bytes >= m_in.size()) {
        if (m_in.capacity() > kReadChunk)
            m_in.clear();
        else
            m_in.resize(0); // keeps the allocation for the next read
    } else if (bytes > 0) {
        m_in.remove(0, bytes);
    }
    if (m_readPaused && m_in.size() < m_readLimit) {
        // No new edge comes for what the kernel already holds: read it from the event loop.
        m_readPaused = false;
        QMetaObject::invokeMethod(this, [this] { onReadable(true); }, Qt::QueuedConnection);
    }
}

void Stream::uncork()
{
    m_corked = false;
    if (m_state == State::Connected && bytesToWrite() > 0 && !holdForBatch())
        flushQueue();
}

bool Stream::holdForBatch()
{
    if (!m_batched)
        return false;
    IoLoop *loop = IoLoop::existing();
    if (!loop || !loop->isDispatching())
        return false; // outside a batch nothing would come back for it: send now
    if (!m_flushQueued) {
        m_flushQueued = true;
        loop->flushAfterBatch(this);
    }
    return true;
}

void Stream::ioFlush()
{
    m_flushQueued = false;
    if (m_state != State::Connected || m_corked || bytesToWrite() == 0)
        return;
    if (!flushQueue() || bytesToWrite() > 0)
        return; // the next output readiness sends the rest and tells the handler
    if (m_handler)
        m_handler->streamWritten(this);
}

void Stream::onWritable()
{
    if (m_state != State::Connected || bytesToWrite() == 0)
        return;
    if (!flushQueue() || bytesToWrite() > 0)
        return;
    if (m_handler)
        m_handler->streamWritten(this);
}

bool Stream::sendSome(const char *data, qsizetype size, qsizetype *sent)
{
    *sent = 0;
    while (*sent < size) {
        const ssize_t n = ::send(m_fd, data + *sent, size_t(size - *sent), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            *sent += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true; // the kernel is full: the next output readiness sends the rest
        m_errno = errno;
        fail(errnoText(errno));
        reportClosedLater(); // never call the handler from inside a write
        return false;
    }
    return true;
}

bool Stream::flushQueue()
{
    qsizetype sent = 0;
    const bool ok = sendSome(m_out.constData() + m_outSent, m_out.size() - m_outSent, &sent);
    m_outSent += sent;
    if (!ok || m_outSent < m_out.size())
        return ok;
    if (m_out.capacity() > kReadChunk)
        m_out.clear();
    else
        m_out.resize(0);
    m_outSent = 0;
    return true;
}

void Stream::write(const char *data, qsizetype size)
{
    if (size <= 0 || m_state == State::Closed)
        return;
    if (m_corked || m_state != State::Connected || bytesToWrite() > 0) {
        m_out.append(data, size); // sent on uncork or connect, or after what is already queued
        return;
    }
    if (holdForBatch()) {
        m_out.append(data, size);
        return;
    }
    qsizetype done = 0;
    if (sendSome(data, size, &done) && done < size)
        m_out.append(data + done, size - done); // the next output readiness sends it
}

void Stream::abort()
{
    m_handler = nullptr;
    release();
    m_state = State::Closed;
}

void Stream::fail(const QString &why)
{
    m_error = why;
    m_state = State::Closed;
}

void Stream::reportClosedLater()
{
    QMetaObject::invokeMethod(this, [this] {
        if (m_handler && !m_closedReported) {
            m_closedReported = true;
            m_handler->streamClosed(this);
        }
    }, Qt::QueuedConnection);
}

void Stream::release()
{
    if (m_fd >= 0) {
        if (IoLoop *loop = IoLoop::existing())
            loop->forget(this);
        ::close(m_fd); // also takes it out of the epoll set
        m_fd = -1;
    }
    m_out.clear();
    m_outSent = 0;
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
