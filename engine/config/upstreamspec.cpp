#include "upstreamspec.h"

#include "jsonnumber.h"
#include "validator.h"

#include <QJsonArray>

namespace {
int millis(const QJsonObject &timeout, const char *key, int fallback)
{
    const QJsonValue v = timeout.value(QLatin1String(key));
    return v.isDouble() ? qMax(1, clampedInt<int>(v.toDouble() * 1000)) : fallback;
}
} // namespace

std::shared_ptr<const UpstreamSpec> compileUpstream(const QJsonObject &u, const QString &identity, quint64 version)
{
    auto spec = std::make_shared<UpstreamSpec>();
    spec->identity = identity;
    spec->version = version;
    spec->https = u.value(QStringLiteral("scheme")).toString() == QLatin1String("https");
    const quint16 defaultPort = spec->https ? 443 : 80;
    const QJsonValue nodes = u.value(QStringLiteral("nodes"));
    if (nodes.isObject()) {
        const QJsonObject o = nodes.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            UpstreamNode n;
            QString addr = it.key();
            const qsizetype colon = addr.lastIndexOf(QLatin1Char(':'));
            if (colon > 0 && !addr.endsWith(QLatin1Char(']'))) {
                n.port = quint16(addr.mid(colon + 1).toUInt());
                addr.truncate(colon);
            } else {
                n.port = defaultPort;
            }
            if (addr.startsWith(QLatin1Char('[')) && addr.endsWith(QLatin1Char(']')))
                addr = addr.mid(1, addr.size() - 2);
            n.host = addr.toUtf8();
            n.weight = it.value().toInt();
            spec->nodes.append(n);
        }
    } else {
        for (const QJsonValue &v : nodes.toArray()) {
            const QJsonObject o = v.toObject();
            UpstreamNode n;
            n.host = o.value(QStringLiteral("host")).toString().toUtf8();
            n.port = quint16(o.value(QStringLiteral("port")).toInt(defaultPort));
            n.weight = o.value(QStringLiteral("weight")).toInt();
            spec->nodes.append(n);
        }
    }
    for (UpstreamNode &n : spec->nodes)
        n.poolKey = (spec->https ? QByteArray("tls:") : QByteArray()) + n.host + ':' + QByteArray::number(n.port);
    if (const QString type = u.value(QStringLiteral("type")).toString(); !type.isEmpty() && !Validator::isKnownBalancer(type))
        spec->unknownType = type;
    if (u.value(QStringLiteral("type")).toString() == QLatin1String("chash")) {
        spec->type = UpstreamSpec::Type::CHash;
        spec->hashOn = u.value(QStringLiteral("hash_on")).toString(QStringLiteral("vars"));
        spec->hashKey = u.value(QStringLiteral("key")).toString(QStringLiteral("remote_addr"));
    }
    const QString passHost = u.value(QStringLiteral("pass_host")).toString();
    if (passHost == QLatin1String("node"))
        spec->passHost = UpstreamSpec::PassHost::Node;
    else if (passHost == QLatin1String("rewrite"))
        spec->passHost = UpstreamSpec::PassHost::Rewrite;
    spec->upstreamHost = u.value(QStringLiteral("upstream_host")).toString().toUtf8();
    const QJsonObject timeout = u.value(QStringLiteral("timeout")).toObject();
    spec->connectTimeoutMs = millis(timeout, "connect", spec->connectTimeoutMs);
    spec->sendTimeoutMs = millis(timeout, "send", spec->sendTimeoutMs);
    spec->readTimeoutMs = millis(timeout, "read", spec->readTimeoutMs);
    if (u.contains(QStringLiteral("retries")))
        spec->retries = u.value(QStringLiteral("retries")).toInt();
    const QJsonObject pool = u.value(QStringLiteral("keepalive_pool")).toObject();
    spec->keepaliveSize = pool.value(QStringLiteral("size")).toInt(spec->keepaliveSize);
    if (pool.contains(QStringLiteral("idle_timeout")))
        spec->keepaliveIdleMs = clampedInt<int>(pool.value(QStringLiteral("idle_timeout")).toDouble() * 1000);
    spec->keepaliveRequests = pool.value(QStringLiteral("requests")).toInt(spec->keepaliveRequests);
    return spec;
}
