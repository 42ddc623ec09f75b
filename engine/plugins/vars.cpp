#include "vars.h"

#include "extplugin.h"

namespace {
QByteArray address(const QHostAddress &a)
{
    return a.toString().toLatin1();
}
} // namespace

std::optional<QByteArray> lookupVar(const VarContext &c, QByteArrayView name)
{
    const HttpRequest &r = *c.client;
    if (name == "uri")
        return r.uri.isNull() ? QByteArray::fromPercentEncoding(r.path) : r.uri;
    if (name == "request_uri")
        return r.target;
    if (name == "args")
        return r.query.isNull() ? std::nullopt : std::optional<QByteArray>(r.query);
    if (name.startsWith("arg_")) {
        const QByteArray wanted(name.sliced(4).data(), name.size() - 4);
        for (const TextPair &a : parseQueryArgs(r.query))
            if (a.name == wanted)
                return a.value ? *a.value : QByteArray();
        return std::nullopt;
    }
    if (name.startsWith("http_")) {
        QByteArray header(name.sliced(5).data(), name.size() - 5);
        header.replace('_', '-');
        const QByteArray v = r.headers.value(header);
        return v.isNull() ? std::nullopt : std::optional<QByteArray>(v);
    }
    if (name.startsWith("cookie_")) {
        const QByteArray wanted(name.sliced(7).data(), name.size() - 7);
        for (const QByteArray &cookieHeader : r.headers.values("cookie")) {
            for (const QByteArray &part : cookieHeader.split(';')) {
                const QByteArray kv = part.trimmed();
                const qsizetype eq = kv.indexOf('=');
                if (eq > 0 && kv.left(eq) == wanted)
                    return kv.mid(eq + 1);
            }
        }
        return std::nullopt;
    }
    if (name == "host")
        return r.host().toLower();
    if (name == "scheme")
        return QByteArray("http");
    if (name == "request_method")
        return r.method;
    if (name == "server_addr")
        return address(c.local);
    if (name == "server_port")
        return QByteArray::number(c.localPort);
    if (name == "remote_addr")
        return address(c.peer);
    if (name == "remote_port")
        return QByteArray::number(c.peerPort);
    if (name == "route_id")
        return c.routeId.toUtf8();
    if (name == "route_name")
        return c.routeName.isEmpty() ? std::nullopt : std::optional<QByteArray>(c.routeName.toUtf8());
    if (name == "upstream_uri")
        return c.upstream ? c.upstream->target : r.target;
    if (name == "upstream_host")
        return c.upstreamHost.isEmpty() ? std::nullopt : std::optional<QByteArray>(c.upstreamHost);
    if (name == "upstream_addr")
        return c.upstreamAddr.isEmpty() ? std::nullopt : std::optional<QByteArray>(c.upstreamAddr);
    if (name == "upstream_status")
        return c.upstreamStatus ? std::optional<QByteArray>(QByteArray::number(c.upstreamStatus)) : std::nullopt;
    if (name == "request_length") {
        qint64 n = r.method.size() + r.target.size() + 12;
        for (const auto &[k, v] : r.headers.fields())
            n += k.size() + v.size() + 4;
        return QByteArray::number(n + 2 + r.body.size());
    }
    if (name == "content_type") {
        const QByteArray v = r.headers.value("content-type");
        return v.isNull() ? std::nullopt : std::optional<QByteArray>(v);
    }
    if (name == "content_length") {
        const QByteArray v = r.headers.value("content-length");
        return v.isNull() ? std::nullopt : std::optional<QByteArray>(v);
    }
    return std::nullopt;
}
