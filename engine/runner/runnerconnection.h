#pragma once

#include "runnerlink.h"
#include "stream.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

// The runner's Unix socket behind RunnerLink; it reports whole frames to whoever holds it.
class RunnerConnection : public QObject, public RunnerLink, private Stream::Handler
{
    Q_OBJECT
public:
    explicit RunnerConnection(QObject *parent = nullptr);

    void open(const QString &path, int timeoutMs, quint64 generation) override;
    bool isOpen() const override;
    bool send(const QByteArray &frame, const QByteArray &tail, QString *error) override;
    void discard() override;
    qint64 peerProcessId() const override { return m_stream ? m_stream->peerProcessId() : 0; }
    qsizetype pendingBytes() const override { return m_decoder.pendingBytes(); }

private:
    void tryConnect();
    void streamConnected(Stream *) override;
    void streamReadable(Stream *) override;
    void streamClosed(Stream *) override;

    Stream *m_stream = nullptr;
    FrameDecoder m_decoder;
    QString m_path;
    QTimer m_retry;
    QElapsedTimer m_since;
    int m_timeoutMs = 0;
    bool m_connected = false;
};
