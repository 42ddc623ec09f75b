#include "stream.h"

#include <QFile>
#include <QHostInfo>
#include <QSocketNotifier>

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
    attach(fd);
    m_state = State::Connected;
    return true;
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
    if (r < 0 && errno != EINPROGRESS && errno != EAGAIN) {
        m_errno = errno;
        ::close(fd);
        fail(errnoText(m_errno));
        reportClosedLater();
        return;
    }
    attach(fd);
    // Whether connect() finished at once or not, the outcome is told from the event loop, never from here.
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(true);
}

void Stream::attach(int fd)
{
    m_fd = fd;
    m_readNotifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &Stream::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &Stream::onWritable);
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
    m_readNotifier->setEnabled(true);
    if (!flushQueue())
        return;
    m_writeNotifier->setEnabled(bytesToWrite() > 0);
    if (m_handler)
        m_handler->streamConnected(this);
}

void Stream::onReadable()
{
    if (m_state != State::Connected)
        return;
    char *scratch = readScratch();
    qsizetype got = 0;
    bool closed = false;
    for (;;) {
        if (m_in.size() >= m_readLimit) {
            m_readNotifier->setEnabled(false); // resumeReading() turns it back on
            break;
        }
        const ssize_t n = ::read(m_fd, scratch, size_t(kReadChunk));
        if (n > 0) {
            m_in.append(scratch, n);
            got += n;
            if (n < kReadChunk)
                break; // the kernel had no more; the next readiness brings the rest
            continue;
        }
        if (n == 0) {
            closed = true;
            m_state = State::Closed;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            m_errno = errno;
            m_error = errnoText(errno);
            closed = true;
            m_state = State::Closed;
        }
        break;
    }
    if (closed) {
        m_readNotifier->setEnabled(false);
        m_writeNotifier->setEnabled(false);
    }
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
    if (m_state == State::Connected && m_readNotifier && !m_readNotifier->isEnabled() && m_in.size() < m_readLimit)
        m_readNotifier->setEnabled(true);
}

void Stream::uncork()
{
    m_corked = false;
    if (m_state != State::Connected || bytesToWrite() == 0 || m_writeNotifier->isEnabled())
        return;
    if (flushQueue() && bytesToWrite() > 0)
        m_writeNotifier->setEnabled(true);
}

void Stream::onWritable()
{
    if (m_state == State::Connecting) {
        finishConnect();
        return;
    }
    if (m_state != State::Connected)
        return;
    if (!flushQueue())
        return;
    if (bytesToWrite() > 0)
        return;
    m_writeNotifier->setEnabled(false);
    if (m_handler)
        m_handler->streamWritten(this);
}

bool Stream::flushQueue()
{
    while (m_outSent < m_out.size()) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outSent, size_t(m_out.size() - m_outSent),
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            m_outSent += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        m_errno = errno;
        fail(errnoText(errno));
        reportClosedLater();
        return false;
    }
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
    qsizetype done = 0;
    while (done < size) {
        const ssize_t n = ::send(m_fd, data + done, size_t(size - done), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            done += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        m_errno = errno;
        fail(errnoText(errno));
        reportClosedLater(); // never call the handler from inside its own write
        return;
    }
    if (done < size) {
        m_out.append(data + done, size - done);
        m_writeNotifier->setEnabled(true);
    }
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
    if (m_readNotifier) {
        m_readNotifier->setEnabled(false);
        m_writeNotifier->setEnabled(false);
    }
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
    if (m_readNotifier) {
        // Deleted later: one of them may be the sender of the signal being handled right now.
        m_readNotifier->setEnabled(false);
        m_writeNotifier->setEnabled(false);
        m_readNotifier->deleteLater();
        m_writeNotifier->deleteLater();
        m_readNotifier = m_writeNotifier = nullptr;
    }
    if (m_fd >= 0) {
        ::close(m_fd);
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
