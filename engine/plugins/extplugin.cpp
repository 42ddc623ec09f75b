#include "extplugin.h"

#include "varsexpr.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QUrl>

namespace {
std::optional<ExtPluginConfig> configOf(const QJsonObject &plugins, const char *name)
{
    const QJsonValue v = plugins.value(QLatin1String(name));
    if (!v.isObject())
        return std::nullopt;
    const QJsonObject o = v.toObject();
    if (pluginDisabled(o))
        return std::nullopt; // apisix/plugin.lua filter(): check_disable
    const QJsonObject meta = o.value(QStringLiteral("_meta")).toObject();
    ExtPluginConfig c;
    c.name = QLatin1String(name);
    QString error; // (one that does not compile was refused; APISIX would run the plugin regardless)
    if (const QJsonValue filter = meta.value(QStringLiteral("filter")); filter.isArray())
        c.filter = VarsExpr::compile(filter.toArray(), &error);
    if (const QJsonValue answer = meta.value(QStringLiteral("error_response")); answer.isString())
        c.errorResponse = answer.toString().toUtf8();
    else if (answer.isObject())
        c.errorResponse = QJsonDocument(answer.toObject()).toJson(QJsonDocument::Compact) + '\n';
    c.allowDegradation = o.value(QStringLiteral("allow_degradation")).toBool(false);
    for (const QJsonValue &e : o.value(QStringLiteral("conf")).toArray()) {
        const QJsonObject entry = e.toObject();
        c.conf.append({entry.value(QStringLiteral("name")).toString().toUtf8(), entry.value(QStringLiteral("value")).toString().toUtf8()});
    }
    return c;
}

QByteArray decodeComponent(QByteArray s)
{
    s.replace('+', ' ');
    return QByteArray::fromPercentEncoding(s);
}

QByteArray encodeComponent(const QByteArray &s)
{
    return s.toPercentEncoding();
}

// Lower-cased names; the first entry of a name sets, later ones add (APISIX's core.response.set_header
// then add_header).
HttpHeaders headersFromPairs(const TextPairs &pairs, bool dropExcluded, bool dropEmpty)
{
    HttpHeaders out;
    QSet<QByteArray> seen;
    for (const TextPair &p : pairs) {
        const QByteArray name = p.name.toLower();
        if (dropExcluded && isExcludedResponseHeader(name))
            continue;
        if (!p.value || (dropEmpty && p.value->isEmpty())) {
            out.remove(name);
            seen.insert(name);
            continue;
        }
        if (!seen.contains(name)) {
            out.remove(name);
            seen.insert(name);
        }
        out.add(name, *p.value);
    }
    return out;
}
} // namespace

bool pluginDisabled(const QJsonValue &conf)
{
    return conf.toObject().value(QStringLiteral("_meta")).toObject().value(QStringLiteral("disable")) == QJsonValue(true);
}

ExtPlugins extPluginsOf(const QJsonObject &plugins)
{
    return {configOf(plugins, "ext-plugin-pre-req"), configOf(plugins, "ext-plugin-post-req"),
            configOf(plugins, "ext-plugin-post-resp")};
}

QByteArray confTokenKey(const QString &confType, const QString &confId, const QString &plugin, const QByteArray &confVersion)
{
    return confType.toUtf8() + '#' + confId.toUtf8() + '#' + plugin.toUtf8() + '#' + confVersion;
}

bool isExcludedResponseHeader(QByteArrayView name)
{
    static constexpr QByteArrayView excluded[] = {"connection", "content-length", "transfer-encoding", "location", "server",
                                           "www-authenticate", "content-encoding", "content-type",
                                           "content-location", "content-language"};
    for (QByteArrayView e : excluded)
        if (headerNameIs(name, e))
            return true;
    return false;
}

TextPairs parseQueryArgs(QByteArrayView query)
{
    TextPairs out;
    if (query.isEmpty())
        return out;
    for (const QByteArray &part : QByteArray(query.data(), query.size()).split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        if (eq < 0)
            out.append({decodeComponent(part), std::nullopt});
        else
            out.append({decodeComponent(part.left(eq)), decodeComponent(part.mid(eq + 1))});
    }
    return out;
}

QByteArray buildQuery(const TextPairs &args)
{
    QByteArray out;
    for (const TextPair &a : args) {
        if (!out.isEmpty())
            out += '&';
        out += encodeComponent(a.name);
        if (a.value) {
            out += '=';
            out += encodeComponent(*a.value);
        }
    }
    return out;
}

Runner::HttpReqCallReq buildReqCall(const HttpRequest &r, const QByteArray &upstreamHost, const QHostAddress &peer,
                                    quint32 id, quint8 method)
{
    Runner::HttpReqCallReq m;
    m.id = id;
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    if (isV4) {
        m.srcIp.resize(4);
        m.srcIp[0] = char(v4 >> 24);
        m.srcIp[1] = char(v4 >> 16);
        m.srcIp[2] = char(v4 >> 8);
        m.srcIp[3] = char(v4);
    } else {
        const Q_IPV6ADDR v6 = peer.toIPv6Address();
        m.srcIp = QByteArray(reinterpret_cast<const char *>(v6.c), 16);
    }
    m.method = method;
    // APISIX sends var.uri (nginx's normalised, decoded path) until a runner rewrote it, then that path.
    m.path = r.uri.isNull() ? r.path : r.uri;
    m.args = parseQueryArgs(r.query);
    bool hostSeen = false;
    m.headers.reserve(r.headers.fields().size());
    for (const auto &[name, value] : r.headers.fields()) { // names are lower-cased by the encoder
        if (headerNameIs(name, "host")) {
            if (hostSeen)
                continue;
            hostSeen = true;
            m.headers.append({name, upstreamHost});
            continue;
        }
        m.headers.append({name, value});
    }
    if (!hostSeen && !upstreamHost.isEmpty())
        m.headers.append({"host", upstreamHost});
    return m;
}

RewriteEffect applyRewrite(HttpRequest &r, const Runner::Rewrite &rw)
{
    RewriteEffect effect;
    if (rw.path) {
        // APISIX URI-safe-encodes the path: characters outside the URI set are escaped, '/' kept.
        r.path = QUrl::toPercentEncoding(QString::fromUtf8(*rw.path), "/!$&'()*+,;=:@-._~%");
        if (!r.path.startsWith('/'))
            r.path.prepend('/');
        r.uri = QByteArray(); // from here on the rewritten path is what a later phase is told
        effect.notes << QStringLiteral("runner rewrote the path to %1").arg(QString::fromUtf8(r.path));
    }
    for (const TextPair &h : rw.headers) {
        if (!h.value) {
            r.headers.remove(h.name);
            if (headerNameIs(h.name, "host"))
                effect.newHost = QByteArray();
            continue;
        }
        r.headers.set(h.name, *h.value);
        if (headerNameIs(h.name, "host"))
            effect.newHost = *h.value;
    }
    if (!rw.args.isEmpty()) {
        TextPairs args = parseQueryArgs(r.query);
        QSet<QByteArray> changed;
        for (const TextPair &a : rw.args) {
            if (!a.value) {
                args.removeIf([&a](const TextPair &x) { return x.name == a.name; });
                changed.insert(a.name);
                continue;
            }
            if (changed.contains(a.name)) { // repeats build a multi-value arg
                args.append(a);
                continue;
            }
            changed.insert(a.name);
            const auto at = std::find_if(args.begin(), args.end(), [&a](const TextPair &x) { return x.name == a.name; });
            if (at == args.end()) {
                args.append(a);
            } else {
                const qsizetype index = at - args.begin();
                args.removeIf([&a](const TextPair &x) { return x.name == a.name; });
                args.insert(qMin(index, args.size()), a);
            }
        }
        r.query = buildQuery(args);
    }
    r.target = r.path + (r.query.isEmpty() ? QByteArray() : '?' + r.query);
    if (!rw.body.isEmpty()) {
        r.body = rw.body;
        r.chunked = false;
    }
    for (const TextPair &h : rw.respHeaders) {
        if (isExcludedResponseHeader(h.name)) {
            effect.notes << QStringLiteral("resp_headers: %1 ignored (APISIX never lets a runner set it)").arg(QString::fromUtf8(h.name));
            continue;
        }
        if (h.value)
            effect.respHeaders.set(h.name.toLower(), *h.value);
        else
            effect.respHeaders.set(h.name.toLower(), QByteArray());
    }
    return effect;
}

ClientAnswer stopAnswer(const Runner::Stop &stop)
{
    ClientAnswer a;
    a.status = stop.status ? stop.status : 200;
    a.reason = reasonPhrase(a.status);
    a.headers = headersFromPairs(stop.headers, false, false);
    a.body = stop.body;
    return a;
}

ClientAnswer applyRespCall(const ClientAnswer &upstream, const Runner::HttpRespCallResp &reply, QStringList *notes)
{
    ClientAnswer a;
    a.status = reply.status ? reply.status : upstream.status;
    a.reason = a.status == upstream.status ? upstream.reason : reasonPhrase(a.status);
    if (!reply.headers.isEmpty()) {
        a.headers = headersFromPairs(reply.headers, false, true);
        if (notes)
            *notes << QStringLiteral("runner returned %1 header(s): they replace every upstream header (APISIX does the same)")
                          .arg(reply.headers.size());
        // The framing is the sender's: a length the runner echoed from HTTPRespCall.Req may no longer be true.
        for (const char *framing : {"content-length", "transfer-encoding", "connection"}) {
            if (!a.headers.contains(framing))
                continue;
            a.headers.remove(framing);
            if (notes)
                *notes << QStringLiteral("%1 from the runner not passed on: RouteScope frames the response it sends")
                              .arg(QLatin1String(framing));
        }
    } else {
        QStringList dropped;
        a.headers.fields().reserve(upstream.headers.fields().size());
        for (const auto &[name, value] : upstream.headers.fields()) {
            if (!isExcludedResponseHeader(name))
                a.headers.add(name, value);
            else if (notes)
                dropped << QString::fromLatin1(name);
        }
        if (notes && !dropped.isEmpty())
            *notes << QStringLiteral("%1 dropped: runner returned no headers, so APISIX keeps the upstream headers minus its exclusion list")
                          .arg(dropped.join(QStringLiteral(", ")));
    }
    a.body = reply.body.isEmpty() ? upstream.body : reply.body; // an empty body cannot be expressed
    return a;
}

void setHeaders(HttpHeaders &target, const HttpHeaders &headers)
{
    for (const auto &[name, value] : headers.fields()) {
        if (value.isEmpty())
            target.remove(name);
        else
            target.set(name, value);
    }
}
