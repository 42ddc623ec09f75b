#pragma once

#include "configkey.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

// The conf tokens of one worker (PROTOCOL.md section 3), apart from its runner connections: per key, a
// token is good for the runner generation it was prepared with and until it expires; one PrepareConf is
// in flight per key, later callers wait for its outcome. The clock is injectable, so that expiry is
// tested without waiting. Not thread-safe: each worker has its own.
class ConfTokenCache
{
public:
    using Clock = std::function<qint64()>; // monotonic milliseconds
    using Waiter = std::function<void(std::optional<quint32> token, const QString &error)>;

    explicit ConfTokenCache(Clock clock = {});

    // The token for `key` if it was prepared with runner `generation` and has not expired. A new
    // generation drops every token at once (the runner behind the socket is another one).
    std::optional<quint32> token(const QByteArray &key, quint64 generation);
    void store(const QByteArray &key, quint32 token, quint64 generation, qint64 lifetimeMs);
    void flush();
    qsizetype size() const { return m_tokens.size(); }

    bool isPreparing(const QByteArray &key) const { return m_preparing.contains({key}); }
    void beginPreparing(const QByteArray &key) { m_preparing.insert({key}, {}); }
    void waitFor(const QByteArray &key, Waiter waiter) { m_preparing[{key}].append(std::move(waiter)); }
    // Tells every waiter of `key` the outcome of its PrepareConf.
    void endPreparing(const QByteArray &key, std::optional<quint32> token, const QString &error);

private:
    void seeGeneration(quint64 generation);

    struct Entry
    {
        quint32 token = 0;
        qint64 expiresAtMs = 0;
        quint64 generation = 0;
    };

    Clock m_clock;
    QHash<ConfigKey<QByteArray>, Entry> m_tokens;
    QHash<ConfigKey<QByteArray>, QList<Waiter>> m_preparing;
    quint64 m_seenGeneration = 0;
};
