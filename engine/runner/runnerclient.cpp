#include "runnerclient.h"

#include "runnerconnection.h"

RunnerClient::RunnerClient(std::shared_ptr<RunnerEndpoint> endpoint, QObject *parent, LinkFactory makeLink)
    : QObject(parent), m_endpoint(std::move(endpoint)), m_makeLink(std::move(makeLink))
{
    if (!m_makeLink)
        m_makeLink = [](QObject *parent) -> RunnerLink * { return new RunnerConnection(parent); };
}

RunnerLink *RunnerClient::takeConnection(bool *reused)
{
    const quint64 generation = m_endpoint->generation();
    while (!m_idle.isEmpty()) {
        RunnerLink *c = m_idle.takeLast();
        if (c->isOpen() && c->generation() == generation && c->pendingBytes() == 0) {
            *reused = true;
            return c;
        }
        c->discard();
    }
    *reused = false;
    return m_makeLink(this);
}

void RunnerClient::openConnection(RunnerLink *c)
{
    c->open(m_endpoint->socketPath(), m_endpoint->settings().connectTimeoutMs, m_endpoint->generation());
}

void RunnerClient::connected(RunnerLink *c)
{
    m_endpoint->noteConnected(c->peerProcessId());
    c->setGeneration(m_endpoint->generation()); // it talks to the runner there is now
}

void RunnerClient::giveBack(RunnerLink *c)
{
    if (!c->isOpen() || c->generation() != m_endpoint->generation() || m_idle.size() >= 64) {
        c->discard();
        return;
    }
    c->setHolder(this);
    m_idle.append(c);
}

void RunnerClient::drop(RunnerLink *c)
{
    m_idle.removeOne(c);
    c->discard();
}

void RunnerClient::storeToken(const QByteArray &key, quint32 token, quint64 generation)
{
    if (generation != m_endpoint->generation())
        return; // prepared with a runner that is gone
    m_tokens.store(key, token, generation, qint64(m_endpoint->settings().confExpireSeconds) * 1000);
}
