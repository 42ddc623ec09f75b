#include "conftokencache.h"

#include "coarseclock.h"

ConfTokenCache::ConfTokenCache(Clock clock)
    : m_clock(clock ? std::move(clock) : Clock(&coarseNowMs))
{
}

void ConfTokenCache::seeGeneration(quint64 generation)
{
    if (generation != m_seenGeneration) { // another runner: every token of the old one is gone
        m_tokens.clear();
        m_seenGeneration = generation;
    }
}

std::optional<quint32> ConfTokenCache::token(const QByteArray &key, quint64 generation)
{
    seeGeneration(generation);
    const auto it = m_tokens.constFind({key});
    if (it == m_tokens.constEnd())
        return std::nullopt;
    if (it->generation != generation || it->expiresAtMs <= m_clock()) {
        m_tokens.erase(it);
        return std::nullopt;
    }
    return it->token;
}

void ConfTokenCache::store(const QByteArray &key, quint32 token, quint64 generation, qint64 lifetimeMs)
{
    seeGeneration(generation); // so that the first lookup with it does not drop this very token
    m_tokens.insert({key}, {token, m_clock() + lifetimeMs, generation});
}

void ConfTokenCache::flush()
{
    m_tokens.clear();
}

void ConfTokenCache::endPreparing(const QByteArray &key, std::optional<quint32> token, const QString &error)
{
    const QList<Waiter> waiters = m_preparing.take({key});
    for (const Waiter &w : waiters)
        w(token, error);
}
