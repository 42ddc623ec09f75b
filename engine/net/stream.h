#pragma once

#include "ioloop.h"

#include <QByteArray>

#include <memory>
#include <QHostAddress>
#include <QObject>
#include <QString>

// A non-blocking stream socket (TCP or Unix) on a plain descriptor, for the proxy's hot path. Compared
// with QTcpSocket it does one read() per readiness straight into the buffer its owner parses (no
// FIONREAD, no ring buffer, no copy out), and sends at once, queueing only what the kernel refuses.
// Readiness comes from the thread's IoLoop. Events go to one Handler; handlers may abort() or
// deleteLater() the stream from any callback. A stream stays in the thread that created it.
class Stream : public QObject, private IoLoop::Client
{
    Q_OBJECT
public:
    class Handler
    {
    public:
        virtual ~Handler() = default;
        virtual void streamConnected(Stream *) {}
        // New bytes are at the end of input(); take what you use from its front.
        virtual void streamReadable(Stream *s) = 0;
        // The write queue drained.
        virtual void streamWritten(Stream *) {}
        // The peer closed, or an error happened (errorString()); input() keeps what was read before.
        virtual void streamClosed(Stream *s) = 0;
    };
    enum class State { Unconnected, Connecting, Connected, Closed };

    explicit Stream(QObject *parent = nullptr);
    ~Stream() override;

    void setHandler(Handler *h) { m_handler = h; }
    // Takes an accepted, connected socket.
    bool adopt(qintptr descriptor);
    // Connects without blocking; streamConnected() or streamClosed() follows. Host names are looked up.
    void connectToHost(const QString &host, quint16 port);
    void connectToPath(const QString &path);

    // What was read and not yet consumed.
    const QByteArray &input() const { return m_in; }
    // Drops `bytes` from the front of input(); reading resumes if it had stopped at the read limit.
    void consume(qsizetype bytes);
    // Frees the input buffer if it holds nothing (consume() keeps it for the next read): for a connection
    // going idle, as nginx frees a keep-alive connection's header buffer.
    void releaseInput()
    {
        if (m_in.isEmpty())
            m_in.clear();
    }
    // Reading from the kernel stops while input() holds this much (back-pressure).
    void setReadLimit(qsizetype bytes) { m_readLimit = bytes; }

    void write(const char *data, qsizetype size);
    // Same; when nothing else waits, what must be queued (all of it, or what the socket did not take at
    // once) is kept by reference instead of copied.
    void write(const QByteArray &data);
    qsizetype bytesToWrite() const { return m_out.size() - m_outSent + (m_outNext ? m_outNext->size() : 0); }
    // All the kernel has taken so far: a timeout can tell a slow reader from one that takes nothing.
    qint64 bytesSent() const { return m_totalSent; }
    // While corked, writes are queued; uncork() sends them in one system call (head and body together).
    void cork() { m_corked = true; }
    void uncork();
    // Writes made while the IoLoop delivers events wait for the end of its batch, so that a peer
    // process wakes once for all of them (a runner serving many calls) instead of once per message.
    void setBatchedWrites(bool on) { m_batched = on; }
    // Closes at once; the handler hears nothing more.
    void abort();

    State state() const { return m_state; }
    bool isConnected() const { return m_state == State::Connected; }
    QString errorString() const { return m_error; }
    int errorCode() const { return m_errno; } // errno of the failure, 0 if none
    QHostAddress peerAddress() const;
    quint16 peerPort() const;
    QHostAddress localAddress() const;
    quint16 localPort() const;
    // The process at the other end of a Unix socket (SO_PEERCRED), or 0 when it is not known.
    qint64 peerProcessId() const;

private:
    void startConnect(int family, const void *address, unsigned length, const QString &target);
    bool attach(int fd);
    void ioReady(quint32 events) override;
    void ioFlush() override;
    bool holdForBatch();
    bool mustQueue();
    void sendNow(const char *data, qsizetype size);
    void onReadable(bool toTheEnd);
    void onWritable();
    void finishConnect();
    bool sendSome(const char *data, qsizetype size, qsizetype *sent);
    void watchOutput(bool on);
    bool flushQueue();
    void fail(const QString &why);
    void reportClosedLater();
    void release();

    int m_fd = -1;
    State m_state = State::Unconnected;
    Handler *m_handler = nullptr;
    QByteArray m_in;
    QByteArray m_out;
    qsizetype m_outSent = 0;
    // A large write queued behind m_out, by reference (a 16 MiB body behind its head); what comes after it
    // is appended to it. Null almost always: a connection pays a pointer for it (and the bools below are
    // together so that it costs nothing: an idle keep-alive connection's memory is measured).
    std::unique_ptr<QByteArray> m_outNext;
    static constexpr qsizetype kQueueByReference = 64 * 1024;
    qint64 m_totalSent = 0;
    qsizetype m_readLimit = 1024 * 1024;
    int m_errno = 0;
    bool m_readPaused = false; // stopped at the read limit: the kernel may hold more
    bool m_corked = false;
    bool m_batched = false;
    bool m_flushQueued = false;
    bool m_closedReported = false;
    bool m_watchingOutput = false;
    QString m_error;
    QString m_target;
};
