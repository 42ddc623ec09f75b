#pragma once

#include "runnerconnection.h"
#include "runnersettings.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

// The gateway side of the runner protocol for one engine worker: idle connections to reuse, and the
// conf-token cache (PROTOCOL.md section 3). Not thread-safe: each worker has its own.
class RunnerClient : public QObject, private RunnerConnection::Holder
{
    Q_OBJECT
public:
    RunnerClient(std::shared_ptr<RunnerEndpoint> endpoint, QObject *parent = nullptr);

    const RunnerSettings &settings() const { return m_endpoint->settings(); }
    bool isConfigured() const { return m_endpoint->settings().isConfigured(); }

    // An idle open connection of the current runner, or a new one (open() it).
    RunnerConnection *takeConnection(bool *reused);
    void giveBack(RunnerConnection *c);
    void openConnection(RunnerConnection *c);
    // What connecting found (shared by all workers through the endpoint).
    void connected(RunnerConnection *c);
    void unreachable(const QString &why) { m_endpoint->noteUnreachable(why); }
    QString knownDown() { return m_endpoint->knownDown(); }

    // Conf tokens, valid for the current runner generation and until they expire.
    std::optional<quint32> token(const QByteArray &key);
    void storeToken(const QByteArray &key, quint32 token, quint64 generation);
    void flushTokens();

    // One PrepareConf in flight per key: the first caller prepares, later ones wait for its outcome.
    using TokenWaiter = std::function<void(std::optional<quint32> token, const QString &error)>;
    bool isPreparing(const QByteArray &key) const { return m_preparing.contains(key); }
    void beginPreparing(const QByteArray &key) { m_preparing.insert(key, {}); }
    void waitForToken(const QByteArray &key, TokenWaiter waiter) { m_preparing[key].append(std::move(waiter)); }
    void endPreparing(const QByteArray &key, std::optional<quint32> token, const QString &error);

private:
    void runnerConnected(RunnerConnection *) override {}
    void runnerFrame(RunnerConnection *c, DecodedFrame) override { drop(c); }
    void runnerLost(RunnerConnection *c, const QString &) override { drop(c); }
    void drop(RunnerConnection *c);

    struct CachedToken
    {
        quint32 token = 0;
        qint64 expiresAtMs = 0;
        quint64 generation = 0;
    };

    std::shared_ptr<RunnerEndpoint> m_endpoint;
    QList<RunnerConnection *> m_idle;
    QHash<QByteArray, CachedToken> m_tokens;
    QHash<QByteArray, QList<TokenWaiter>> m_preparing;
    quint64 m_seenGeneration = 0;
};
