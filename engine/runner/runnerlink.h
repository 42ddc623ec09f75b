#pragma once

#include "frame.h"

#include <QString>

// One connection to the Plugin Runner as the calls see it (Envoy ext_proc's small client interface): send
// a whole frame; connected, each frame received and lost come to its Holder. Messages on it are strictly
// sequential, so it serves one call at a time. RunnerConnection is the Unix socket one; unit tests put an
// in-process fake behind the same interface (tests/support/fakerunner.h).
class RunnerLink
{
public:
    class Holder
    {
    public:
        virtual ~Holder() = default;
        virtual void runnerConnected(RunnerLink *link) = 0;
        virtual void runnerFrame(RunnerLink *link, DecodedFrame frame) = 0;
        // The connection is gone (closed by the runner, refused, or an I/O error).
        virtual void runnerLost(RunnerLink *link, const QString &why) = 0;
    };

    virtual ~RunnerLink() = default;

    // Connects, retrying a refused or missing socket until `timeoutMs` has passed (the runner may be
    // starting). The generation is that of the endpoint when connecting.
    virtual void open(const QString &path, int timeoutMs, quint64 generation) = 0;
    virtual bool isOpen() const = 0;
    // Sends a whole frame (Runner::encodeFrame), or one in two parts (Runner::encodeFrameParts: `tail`, a
    // large body, goes out by reference after `frame`).
    virtual bool send(const QByteArray &frame, const QByteArray &tail, QString *error) = 0;
    // Closes it; its holder hears nothing more, and it is deleted once control is back in the event loop.
    virtual void discard() = 0;
    // The runner process's id (0: not known), and bytes received that are not yet a whole frame.
    virtual qint64 peerProcessId() const = 0;
    virtual qsizetype pendingBytes() const = 0;

    void setHolder(Holder *h) { m_holder = h; }
    quint64 generation() const { return m_generation; }
    // Connected to a runner the endpoint now counts as a new one (see RunnerEndpoint::noteConnected).
    void setGeneration(quint64 generation) { m_generation = generation; }

protected:
    // Hands the holder each whole frame `decoder` has, in order, while one holds this link. Returns why the
    // stream is unusable once a header no message has arrived (its payload is not waited for), else empty.
    QString handFrames(FrameDecoder &decoder)
    {
        while (m_holder) {
            if (QString error = decoder.headerError(); !error.isEmpty())
                return error;
            auto frame = decoder.next();
            if (!frame)
                break;
            m_holder->runnerFrame(this, std::move(*frame));
        }
        return {};
    }

    Holder *m_holder = nullptr;
    quint64 m_generation = 0;
};
