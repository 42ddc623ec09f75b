#include "runnerclient.h"

#include "coarseclock.h"

RunnerClient::RunnerClient(std::shared_ptr<RunnerEndpoint> endpoint, QObject *parent)
    : QObject(parent), m_endpoint(std::move(endpoint))
{
}

RunnerConnection *RunnerClient::takeConnection(bool *reused)
{
    const quint64 generation = m_endpoint->generation();
    while (!m_idle.isEmpty()) {
        RunnerConnection *c = m_idle.takeLast();
        if (c->isOpen() && c->generation() == generation && c->pendingBytes() == 0) {
            *reused = true;
            return c;
        }
        c->discard();
    }
    *reused = false;
    return new RunnerConnection(this);
}

void RunnerClient::openConnection(RunnerConnection *c)
{
    c->open(m_endpoint->socketPath(), m_endpoint->settings().connectTimeoutMs, m_endpoint->generation());
}

void RunnerClient::connected(RunnerConnection *c)
{
    m_endpoint->noteConnected(c->peerProcessId());
    c->setGeneration(m_endpoint->generation()); // it talks to the runner there is now
}

void RunnerClient::giveBack(RunnerConnection *c)
{
    if (!c->isOpen() || c->generation() != m_endpoint->generation() || m_idle.size() >= 64) {
        c->discard();
        return;
    }
    c->setHolder(this);
    m_idle.append(c);
}

void RunnerClient::drop(RunnerConnection *c)
{
    m_idle.removeOne(c);
    c->discard();
}

std::optional<quint32> RunnerClient::token(const QByteArray &key)
{
    const quint64 generation = m_endpoint->generation();
    if (generation != m_seenGeneration) { // the runner changed: every token is gone with it
        m_tokens.clear();
        m_seenGeneration = generation;
    }
    const auto it = m_tokens.constFind(key);
    if (it == m_tokens.constEnd())
        return std::nullopt;
    if (it->generation != generation || it->expiresAtMs <= coarseNowMs()) {
        m_tokens.erase(it);
        return std::nullopt;
    }
    return it->token;
}

void RunnerClient::storeToken(const QByteArray &key, quint32 token, quint64 generation)
{
    if (generation != m_endpoint->generation())
        return; // prepared with a runner that is gone
    m_tokens.insert(key, {token, coarseNowMs() + qint64(m_endpoint->settings().confExpireSeconds) * 1000, generation});
}

void RunnerClient::flushTokens()
{
    m_tokens.clear();
}

void RunnerClient::endPreparing(const QByteArray &key, std::optional<quint32> token, const QString &error)
{
    const QList<TokenWaiter> waiters = m_preparing.take(key);
    for (const TokenWaiter &w : waiters)
        w(token, error);
}
