#pragma once

#include "conftokencache.h"
#include "runnerlink.h"
#include "runnersettings.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

// The gateway side of the runner protocol for one engine worker: idle connections to reuse, and its
// conf tokens (ConfTokenCache) for the runner there is now. Not thread-safe: each worker has its own.
class RunnerClient : public QObject, private RunnerLink::Holder
{
    Q_OBJECT
public:
    // Makes a new connection to the runner, a child of `parent` (unit tests give an in-process fake).
    using LinkFactory = std::function<RunnerLink *(QObject *parent)>;
    // Without a factory: RunnerConnection, on the endpoint's Unix socket.
    explicit RunnerClient(std::shared_ptr<RunnerEndpoint> endpoint, QObject *parent = nullptr, LinkFactory makeLink = {});

    const RunnerSettings &settings() const { return m_endpoint->settings(); }
    bool isConfigured() const { return m_endpoint->settings().isConfigured(); }

    // An idle open connection of the current runner, or a new one (open() it).
    RunnerLink *takeConnection(bool *reused);
    void giveBack(RunnerLink *c);
    void openConnection(RunnerLink *c);
    // What connecting found (shared by all workers through the endpoint).
    void connected(RunnerLink *c);
    void unreachable(const QString &why) { m_endpoint->noteUnreachable(why); }
    QString knownDown() { return m_endpoint->knownDown(); }

    // Conf tokens, valid for the current runner generation and until they expire.
    std::optional<quint32> token(const QByteArray &key) { return m_tokens.token(key, m_endpoint->generation()); }
    // A token prepared with a runner that is gone since is not kept.
    void storeToken(const QByteArray &key, quint32 token, quint64 generation);
    void flushTokens() { m_tokens.flush(); }

    // One PrepareConf in flight per key: the first caller prepares, later ones wait for its outcome.
    using TokenWaiter = ConfTokenCache::Waiter;
    bool isPreparing(const QByteArray &key) const { return m_tokens.isPreparing(key); }
    void beginPreparing(const QByteArray &key) { m_tokens.beginPreparing(key); }
    void waitForToken(const QByteArray &key, TokenWaiter waiter) { m_tokens.waitFor(key, std::move(waiter)); }
    void endPreparing(const QByteArray &key, std::optional<quint32> token, const QString &error)
    {
        m_tokens.endPreparing(key, token, error);
    }

private:
    // An idle connection: a frame now is out of turn (it is not reused).
    void runnerConnected(RunnerLink *) override {}
    void runnerFrame(RunnerLink *c, DecodedFrame) override { drop(c); }
    void runnerLost(RunnerLink *c, const QString &) override { drop(c); }
    void drop(RunnerLink *c);

    std::shared_ptr<RunnerEndpoint> m_endpoint;
    LinkFactory m_makeLink;
    QList<RunnerLink *> m_idle;
    ConfTokenCache m_tokens;
};
