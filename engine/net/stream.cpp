#include "stream.h"

#include "socketaddress.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
constexpr qsizetype kReadChunk = 64 * 1024;

char *readScratch()
{
    static thread_local std::unique_ptr<char[]> buffer(new char[kReadChunk]);
    return buffer.get();
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
    if (events & EPOLLERR)
        onWritable();
    else if (events & EPOLLOUT)
        bytesToWrite() > 0 ? onWritable() : watchOutput(false); // nothing waits: stop being told
}

void Stream::watchOutput(bool on)
{
    if (m_watchingOutput == on || m_fd < 0)
        return;
    if (IoLoop *loop = IoLoop::existing(); loop && loop->watchOutput(m_fd, this, on))
        m_watchingOutput = on;
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
    if (!m_corked)
        onWritable(); // the same as when the kernel asks for more: send, and tell the handler once drained
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
            m_totalSent += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            watchOutput(true); // the kernel is full: the next output readiness sends the rest
            return true;
        }
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
    if (m_outNext) { // what waited behind it, now at the front
        m_out = std::move(*m_outNext);
        m_outNext.reset();
        m_outSent = 0;
        return flushQueue();
    }
    // Given back whole: an idle keep-alive connection holds no output buffer (its last response's was
    // about 0.5 KB each), and keeping it bought nothing, the next write(QByteArray) queuing by reference.
    m_out.clear();
    m_outSent = 0;
    return true;
}

void Stream::write(const QByteArray &data)
{
    if (data.isEmpty() || m_state == State::Closed)
        return;
    if (!mustQueue()) {
        qsizetype done = 0;
        if (sendSome(data.constData(), data.size(), &done) && done < data.size()) {
            m_out = data; // the rest, queued by reference: a 16 MiB frame the socket takes in parts is not copied
            m_outSent = done;
        }
    } else if (m_out.isEmpty()) {
        m_out = data; // queued by reference: the caller's bytes are not copied
        m_outSent = 0;
    } else if (m_outNext) {
        m_outNext->append(data);
    } else if (data.size() >= kQueueByReference) {
        m_outNext = std::make_unique<QByteArray>(data); // behind what waits, by reference
    } else {
        m_out.append(data);
    }
}

void Stream::write(const char *data, qsizetype size)
{
    if (size <= 0 || m_state == State::Closed)
        return;
    if (mustQueue())
        (m_outNext ? *m_outNext : m_out).append(data, size); // after everything queued
    else
        sendNow(data, size);
}

bool Stream::mustQueue()
{
    // Sent on uncork or connect, after what is already queued, or at the end of the batch.
    return m_corked || m_state != State::Connected || bytesToWrite() > 0 || holdForBatch();
}

void Stream::sendNow(const char *data, qsizetype size)
{
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
    m_outNext.reset();
}
