#include "fakerunner.h"

#include <QObject>

namespace {
class FakeRunnerLink : public QObject, public RunnerLink
{
public:
    FakeRunnerLink(std::shared_ptr<FakeRunner::State> runner, QObject *parent)
        : QObject(parent), m_runner(std::move(runner))
    {
    }

    void open(const QString &path, int, quint64 generation) override
    {
        m_generation = generation;
        later([this, path] {
            if (m_runner->refusing) {
                m_holder->runnerLost(this, QStringLiteral("cannot connect to the runner at %1: connection refused").arg(path));
                return;
            }
            m_open = true;
            ++m_runner->connections;
            m_holder->runnerConnected(this);
        });
    }
    bool isOpen() const override { return m_open; }
    bool send(const QByteArray &frame, const QByteArray &tail, QString *error) override
    {
        if (!m_open) {
            if (error)
                *error = QStringLiteral("cannot write to the runner: the connection is closed");
            return false;
        }
        m_fromGateway.feed(frame);
        m_fromGateway.feed(tail);
        while (auto f = m_fromGateway.next()) {
            m_runner->received.append(f->type);
            answer(m_runner->script(*f));
        }
        return true;
    }
    void discard() override
    {
        m_holder = nullptr;
        m_open = false;
        deleteLater();
    }
    qint64 peerProcessId() const override { return m_runner->pid; }
    qsizetype pendingBytes() const override { return 0; }

private:
    // Runs `fn` on a later turn of the event loop, unless the link was discarded by then.
    template<typename Fn>
    void later(Fn fn)
    {
        QMetaObject::invokeMethod(this, [this, fn] { if (m_holder) fn(); }, Qt::QueuedConnection);
    }

    void answer(const TestRunner::Answer &a)
    {
        for (const auto &[type, payload] : a.frames)
            m_toGateway.feed(*Frame::encode(type, payload));
        m_toGateway.feed(a.raw);
        m_closing = m_closing || a.close; // the end comes after these bytes, as on a socket
        later([this] { deliver(); });
    }

    // As RunnerConnection reads: whole frames in order, a bad header ends the connection at once.
    void deliver()
    {
        if (const QString error = handFrames(m_toGateway); !error.isEmpty()) {
            m_open = false;
            if (m_holder)
                m_holder->runnerLost(this, error);
            return;
        }
        if (m_closing && m_holder && m_open) {
            m_open = false;
            m_holder->runnerLost(this, QStringLiteral("the runner closed the connection"));
        }
    }

    std::shared_ptr<FakeRunner::State> m_runner;
    FrameDecoder m_fromGateway;
    FrameDecoder m_toGateway;
    bool m_open = false;
    bool m_closing = false;
};
} // namespace

FakeRunner::FakeRunner(TestRunner::Script script)
    : m_state(std::make_shared<State>())
{
    m_state->script = std::move(script);
}

RunnerClient::LinkFactory FakeRunner::factory()
{
    return [state = m_state](QObject *parent) -> RunnerLink * { return new FakeRunnerLink(state, parent); };
}

QList<quint8> FakeRunner::received() const
{
    return m_state->received;
}

int FakeRunner::connections() const
{
    return m_state->connections;
}

void FakeRunner::setPid(qint64 pid)
{
    m_state->pid = pid;
}

void FakeRunner::setRefusing(bool refusing)
{
    m_state->refusing = refusing;
}
