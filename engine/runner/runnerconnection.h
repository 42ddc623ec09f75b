#pragma once

#include "frame.h"
#include "stream.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

// One stream connection to the runner's Unix socket. Messages on it are strictly sequential, so it
// serves one call at a time; it reports whole frames to whoever holds it.
class RunnerConnection : public QObject, private Stream::Handler
{
    Q_OBJECT
public:
    class Holder
    {
    public:
        virtual ~Holder() = default;
        virtual void runnerConnected(RunnerConnection *c) = 0;
        virtual void runnerFrame(RunnerConnection *c, DecodedFrame frame) = 0;
        // The connection is gone (closed by the runner, refused, or an I/O error).
        virtual void runnerLost(RunnerConnection *c, const QString &why) = 0;
    };

    explicit RunnerConnection(QObject *parent = nullptr);

    // Connects, retrying a refused or missing socket until `timeoutMs` has passed (the runner may be
    // starting). The generation is that of the endpoint when connecting.
    void open(const QString &path, int timeoutMs, quint64 generation);
    bool isOpen() const;
    // Sends a whole frame (Runner::encodeFrame).
    bool send(const QByteArray &frame, QString *error);
    void setHolder(Holder *h) { m_holder = h; }
    void discard();

    quint64 generation() const { return m_generation; }
    // Connected to a runner the endpoint now counts as a new one (see RunnerEndpoint::noteConnected).
    void setGeneration(quint64 generation) { m_generation = generation; }
    qint64 peerProcessId() const { return m_stream ? m_stream->peerProcessId() : 0; }
    qsizetype pendingBytes() const { return m_decoder.pendingBytes(); }

private:
    void tryConnect();
    void streamConnected(Stream *) override;
    void streamReadable(Stream *) override;
    void streamClosed(Stream *) override;

    Stream *m_stream = nullptr;
    Holder *m_holder = nullptr;
    FrameDecoder m_decoder;
    QString m_path;
    QTimer m_retry;
    QElapsedTimer m_since;
    int m_timeoutMs = 0;
    quint64 m_generation = 0;
    bool m_connected = false;
};
