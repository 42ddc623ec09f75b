#include "runnersettings.h"

#include "coarseclock.h"
#include "jsonnumber.h"

#include <QJsonArray>

RunnerSettings RunnerSettings::fromJson(const QJsonObject &o)
{
    RunnerSettings s;
    for (const QJsonValue &v : o.value(QStringLiteral("cmd")).toArray())
        s.cmd << v.toString();
    const QJsonObject env = o.value(QStringLiteral("env")).toObject();
    for (auto it = env.begin(); it != env.end(); ++it)
        s.env.insert(it.key(), it.value().toString());
    s.socketPath = o.value(QStringLiteral("socket")).toString();
    s.confExpireSeconds = qMax(1, o.value(QStringLiteral("conf_expire_time")).toInt(s.confExpireSeconds));
    if (o.contains(QStringLiteral("timeout")))
        s.timeoutMs = qMax(1, clampedInt<int>(o.value(QStringLiteral("timeout")).toDouble() * 1000));
    return s;
}

QJsonObject RunnerSettings::toJson() const
{
    QJsonObject env;
    for (auto it = this->env.begin(); it != this->env.end(); ++it)
        env.insert(it.key(), it.value());
    return {{QStringLiteral("cmd"), QJsonArray::fromStringList(cmd)},
            {QStringLiteral("env"), env},
            {QStringLiteral("socket"), socketPath},
            {QStringLiteral("conf_expire_time"), confExpireSeconds},
            {QStringLiteral("timeout"), timeoutMs / 1000.0}};
}

bool splitCommandLine(const QString &line, QStringList *argv)
{
    argv->clear();
    QString current;
    bool inWord = false;
    QChar quote;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            else if (c == QLatin1Char('\\') && quote == QLatin1Char('"') && i + 1 < line.size()
                     && QStringLiteral("\"\\$`").contains(line[i + 1]))
                current += line[++i];
            else
                current += c;
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
            inWord = true;
        } else if (c == QLatin1Char('\\') && i + 1 < line.size()) {
            current += line[++i];
            inWord = true;
        } else if (c.isSpace()) {
            if (inWord)
                argv->append(current);
            current.clear();
            inWord = false;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (!quote.isNull())
        return false;
    if (inWord)
        argv->append(current);
    return true;
}

void RunnerEndpoint::noteUnreachable(const QString &why)
{
    QMutexLocker lock(&m_mutex);
    const qint64 now = coarseNowMs();
    if (!m_down.load())
        m_downSinceMs = now;
    m_downWhy = why;
    m_probeAtMs = now + kProbeMs;
    m_wasUnreachable = true;
    m_down.store(true);
}

void RunnerEndpoint::noteConnected(qint64 pid)
{
    QMutexLocker lock(&m_mutex);
    const bool otherProcess = pid && m_pid && pid != m_pid;
    if (m_wasUnreachable || otherProcess)
        bumpGeneration();
    m_wasUnreachable = false;
    if (pid)
        m_pid = pid;
    m_down.store(false);
}

QString RunnerEndpoint::knownDown()
{
    if (!m_down.load(std::memory_order_relaxed))
        return {};
    QMutexLocker lock(&m_mutex);
    if (!m_down.load())
        return {};
    const qint64 now = coarseNowMs();
    if (now >= m_probeAtMs) { // this call looks again; the others go on failing at once meanwhile
        m_probeAtMs = now + m_settings.connectTimeoutMs + kProbeMs;
        return {};
    }
    return QStringLiteral("%1 (the runner has been unreachable for %2 s; looking again every %3 s)")
        .arg(m_downWhy).arg((now - m_downSinceMs) / 1000.0, 0, 'f', 1).arg(kProbeMs / 1000);
}
