#include "runnerconnection.h"

#include <cerrno>

RunnerConnection::RunnerConnection(QObject *parent)
    : QObject(parent)
{
    m_retry.setParent(this);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RunnerConnection::tryConnect);
}

void RunnerConnection::open(const QString &path, int timeoutMs, quint64 generation)
{
    m_path = path;
    m_timeoutMs = timeoutMs;
    m_generation = generation;
    m_since.start();
    tryConnect();
}

void RunnerConnection::tryConnect()
{
    if (m_path.isEmpty()) {
        if (m_since.elapsed() + 50 < m_timeoutMs) {
            m_retry.start(50);
        } else if (m_holder) {
            m_holder->runnerLost(this, QStringLiteral("no Plugin Runner is running"));
        }
        return;
    }
    if (m_stream) { // a stream is good for one connection
        m_stream->abort();
        m_stream->deleteLater();
    }
    m_stream = new Stream(this);
    m_stream->setBatchedWrites(true); // the runner wakes once for the calls of a whole batch
    m_stream->setHandler(this);
    m_stream->connectToPath(m_path);
}

void RunnerConnection::streamConnected(Stream *)
{
    m_connected = true;
    if (m_holder)
        m_holder->runnerConnected(this);
}

void RunnerConnection::streamReadable(Stream *s)
{
    m_decoder.feed(s->input());
    s->consume(s->input().size());
    if (const QString error = handFrames(m_decoder); !error.isEmpty()) {
        m_connected = false;
        m_stream->abort();
        if (m_holder)
            m_holder->runnerLost(this, error);
    }
}

void RunnerConnection::streamClosed(Stream *s)
{
    if (!m_connected) {
        // Refused or not there yet: the runner may still be starting. A full listen backlog (EAGAIN)
        // clears as soon as the runner accepts: try again almost at once.
        const int wait = s->errorCode() == EAGAIN ? 2 : 50;
        if (m_since.elapsed() + wait < m_timeoutMs) {
            m_retry.start(wait);
            return;
        }
        if (m_holder) {
            const QString why = s->errorCode() == ENOENT ? QStringLiteral("nothing listens there")
                : s->errorCode() == ECONNREFUSED         ? QStringLiteral("connection refused")
                                                         : s->errorString();
            m_holder->runnerLost(this, QStringLiteral("cannot connect to the runner at %1: %2").arg(m_path, why));
        }
        return;
    }
    m_connected = false;
    const bool peerClosed = s->errorCode() == 0 || s->errorCode() == EPIPE || s->errorCode() == ECONNRESET;
    if (m_holder) {
        m_holder->runnerLost(this, peerClosed ? QStringLiteral("the runner closed the connection")
                                       : QStringLiteral("runner connection error: %1").arg(s->errorString()));
    }
}

bool RunnerConnection::isOpen() const
{
    return m_connected && m_stream && m_stream->isConnected();
}

bool RunnerConnection::send(const QByteArray &frame, const QByteArray &tail, QString *error)
{
    if (!isOpen()) {
        // Its end may already have been read along with its last reply, before anyone was told.
        if (error)
            *error = m_stream && m_stream->state() == Stream::State::Closed
                ? QStringLiteral("cannot write to the runner: the runner closed the connection")
                : QStringLiteral("cannot write to the runner: the connection is closed");
        return false;
    }
    m_stream->write(frame);
    m_stream->write(tail);
    return true;
}

void RunnerConnection::discard()
{
    m_holder = nullptr;
    m_retry.stop();
    if (m_stream)
        m_stream->abort();
    deleteLater();
}
