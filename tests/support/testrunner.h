#pragma once

#include "frame.h"
#include "runnermessages.h"

#include <QMutex>
#include <QTemporaryDir>
#include <QThread>

#include <functional>

// A scriptable Plugin Runner on a Unix socket, on its own thread: each frame it receives is given to
// the script, which answers with frames to send (or asks to close the connection). Every received
// frame type is recorded, in order, across connections.
class TestRunner
{
public:
    struct Answer
    {
        QList<std::pair<quint8, QByteArray>> frames;
        bool close = false;
        QByteArray raw; // written as it is, after the frames
    };
    using Script = std::function<Answer(const DecodedFrame &frame)>;

    // Listens on `path`, or on a socket in a folder of its own.
    explicit TestRunner(Script script, const QString &path = {});
    ~TestRunner();

    QString path() const { return m_path; }
    QList<quint8> received() const;
    int connections() const;

    // Building blocks for scripts.
    static Answer reply(quint8 type, const QByteArray &payload) { return {{{type, payload}}, false}; }
    static Answer err(Runner::ErrCode code) { return reply(Frame::RpcError, Runner::encode(Runner::ErrResp{quint8(code)})); }
    // Answers PrepareConf with increasing tokens and calls with "no change".
    static Answer standard(const DecodedFrame &frame);

private:
    QTemporaryDir m_dir;
    QString m_path;
    QThread m_thread;
    QObject *m_server = nullptr;
    mutable QMutex m_mutex;
    QList<quint8> m_received;
    int m_connections = 0;
};
