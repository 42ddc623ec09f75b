#include "exchangeexport.h"

#include "adminapi.h"
#include "extplugin.h"
#include "jsonnumber.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace {
double ms(qint64 ns)
{
    return ns < 0 ? -1.0 : double(ns) / 1e6;
}

QJsonArray harHeaders(const HttpHeaders &headers)
{
    QJsonArray out;
    for (const auto &[name, value] : headers.fields())
        out.append(QJsonObject{{"name", QString::fromLatin1(name)}, {"value", QString::fromLatin1(value)}});
    return out;
}

QJsonArray harCookies(const HttpHeaders &headers, const char *header)
{
    QJsonArray out;
    for (const QByteArray &h : headers.values(header)) {
        const QList<QByteArray> parts = QByteArray(header) == "cookie" ? h.split(';') : QList<QByteArray>{h.split(';').first()};
        for (const QByteArray &p : parts) {
            const qsizetype eq = p.indexOf('=');
            if (eq > 0)
                out.append(QJsonObject{{"name", QString::fromUtf8(p.left(eq).trimmed())}, {"value", QString::fromUtf8(p.mid(eq + 1).trimmed())}});
        }
    }
    return out;
}

bool isText(const HttpHeaders &headers, const QByteArray &body)
{
    const QByteArray type = headers.value("content-type").toLower();
    if (!headers.value("content-encoding").isEmpty())
        return false;
    if (type.startsWith("text/") || type.contains("json") || type.contains("xml") || type.contains("javascript") || type.contains("x-www-form-urlencoded"))
        return true;
    return !body.contains('\0') && QString::fromUtf8(body).toUtf8() == body;
}

QJsonObject content(const CapturedMessage &m)
{
    QJsonObject c{{"size", m.bodySize}, {"mimeType", QString::fromLatin1(m.headers.value("content-type"))}};
    if (!m.body.isEmpty()) {
        if (isText(m.headers, m.body)) {
            c.insert("text", QString::fromUtf8(m.body));
        } else {
            c.insert("text", QString::fromLatin1(m.body.toBase64()));
            c.insert("encoding", "base64");
        }
    }
    if (m.truncated())
        c.insert("comment", QStringLiteral("only the first %1 bytes were captured").arg(m.body.size()));
    return c;
}

QJsonObject message(const CapturedMessage &m, bool request)
{
    QJsonObject o{{"headers", harHeaders(m.headers)}, {"bodySize", m.present ? m.bodySize : -1}};
    if (request) {
        o.insert("method", QString::fromLatin1(m.method));
        o.insert("url", QString::fromUtf8(m.target));
    } else {
        o.insert("status", m.status);
        o.insert("statusText", QString::fromLatin1(m.reason));
    }
    return o;
}
} // namespace

QString shellQuote(const QString &word)
{
    if (!word.isEmpty() && word.contains(QRegularExpression(QStringLiteral("^[A-Za-z0-9_./:=@%+,-]+$"))))
        return word;
    QString q = word;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

QString toCurl(const CapturedExchange &e, const QString &proxyBase)
{
    const CapturedMessage &r = e.clientRequest;
    QStringList words{QStringLiteral("curl"), QStringLiteral("-i")};
    if (r.method != "GET" || !r.body.isEmpty())
        words << QStringLiteral("-X") << QString::fromLatin1(r.method);
    if (r.method == "HEAD")
        words = QStringList{QStringLiteral("curl"), QStringLiteral("-I")};
    words << shellQuote(proxyBase + QString::fromUtf8(r.target));
    for (const auto &[name, value] : r.headers.fields()) {
        if (headerNameIs(name, "content-length") || headerNameIs(name, "transfer-encoding") || headerNameIs(name, "connection"))
            continue;
        words << QStringLiteral("-H") << shellQuote(QString::fromLatin1(name + ": " + value));
    }
    if (!r.body.isEmpty())
        words << QStringLiteral("--data-binary") << shellQuote(QString::fromUtf8(r.body));
    QString line = words.join(QLatin1Char(' '));
    if (r.truncated())
        line += QStringLiteral("  # body truncated in the capture: only the first %1 bytes").arg(r.body.size());
    return line;
}

QJsonObject toHar(const QList<ExchangePtr> &exchanges, const QString &proxyBase, const QString &version)
{
    QJsonArray entries;
    for (const ExchangePtr &p : exchanges) {
        const CapturedExchange &e = *p;
        QJsonObject request = message(e.clientRequest, true);
        request.insert("url", QString(proxyBase + QString::fromUtf8(e.clientRequest.target)));
        request.insert("httpVersion", "HTTP/1.1");
        request.insert("cookies", harCookies(e.clientRequest.headers, "cookie"));
        request.insert("headersSize", -1);
        QJsonArray query;
        const qsizetype q = e.clientRequest.target.indexOf('?');
        if (q >= 0)
            for (const TextPair &a : parseQueryArgs(e.clientRequest.target.mid(q + 1)))
                query.append(QJsonObject{{"name", QString::fromUtf8(a.name)}, {"value", QString::fromUtf8(a.value.value_or(QByteArray()))}});
        request.insert("queryString", query);
        if (!e.clientRequest.body.isEmpty())
            request.insert("postData", QJsonObject{{"mimeType", QString::fromLatin1(e.clientRequest.headers.value("content-type"))},
                                                   {"text", QString::fromUtf8(e.clientRequest.body)}});

        QJsonObject response = message(e.clientResponse, false);
        response.insert("httpVersion", "HTTP/1.1");
        response.insert("cookies", harCookies(e.clientResponse.headers, "set-cookie"));
        response.insert("content", content(e.clientResponse));
        response.insert("redirectURL", QString::fromLatin1(e.clientResponse.headers.value("location")));
        response.insert("headersSize", -1);

        // send/wait/receive must be >= 0 and add up (with the optional ones) to `time`.
        const double total = qMax(0.0, ms(e.timings.totalNs));
        const double connect = qMax(0.0, ms(e.timings.connectNs));
        const double receive = qMax(0.0, ms(e.timings.writeNs));
        const double wait = qMax(0.0, total - connect - receive);
        QJsonObject timings{{"blocked", -1}, {"dns", -1}, {"ssl", -1}, {"connect", e.timings.connectNs >= 0 ? connect : -1},
                            {"send", 0}, {"wait", wait}, {"receive", receive}};
        const double time = (e.timings.connectNs >= 0 ? connect : 0) + wait + receive;

        QJsonObject extension{{"id", QString::number(e.id)}, {"route", e.routeId}, {"routing_path", QString::fromUtf8(e.routingPath)}, {"upstream", e.upstreamAddress},
                              {"notes", QJsonArray::fromStringList(e.notes)}, {"degraded", e.degraded},
                              {"modifiedByRunner", e.modifiedByRunner}};
        if (e.upstreamRequest.present)
            extension.insert("upstreamRequest", message(e.upstreamRequest, true));
        if (e.upstreamResponse.present) {
            QJsonObject before = message(e.upstreamResponse, false);
            before.insert("content", content(e.upstreamResponse));
            extension.insert("upstreamResponse", before);
        }
        if (!e.errorText.isEmpty())
            extension.insert("error", QJsonObject{{"step", e.errorStep}, {"message", e.errorText}});
        QJsonArray frames;
        for (const RunnerFrameRecord &f : e.frames)
            frames.append(QJsonObject{{"atNs", f.atNs}, {"plugin", f.plugin}, {"fromRunner", f.fromRunner}, {"type", f.type},
                                      {"size", f.size}, {"payload", QString::fromLatin1(f.payload.toBase64())}});
        extension.insert("runnerFrames", frames);
        extension.insert("timingsNs", QJsonObject{{"route", e.timings.routeNs}, {"preReq", e.timings.preReqNs},
                                                  {"postReq", e.timings.postReqNs}, {"connect", e.timings.connectNs},
                                                  {"firstByte", e.timings.firstByteNs}, {"upstream", e.timings.upstreamNs},
                                                  {"postResp", e.timings.postRespNs}, {"write", e.timings.writeNs},
                                                  {"total", e.timings.totalNs}, {"preReqAt", e.timings.preReqAtNs},
                                                  {"postReqAt", e.timings.postReqAtNs}, {"upstreamAt", e.timings.upstreamAtNs},
                                                  {"postRespAt", e.timings.postRespAtNs}, {"writeAt", e.timings.writeAtNs}});
        QJsonObject entry{{"startedDateTime", QDateTime::fromMSecsSinceEpoch(e.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                          {"time", time},
                          {"request", request},
                          {"response", response},
                          {"cache", QJsonObject()},
                          {"timings", timings},
                          {"_routescope", extension}};
        if (!e.upstreamAddress.isEmpty())
            entry.insert("serverIPAddress", e.upstreamAddress.section(QLatin1Char(':'), 0, -2));
        entries.append(entry);
    }
    return {{"log", QJsonObject{{"version", "1.2"},
                                {"creator", QJsonObject{{"name", "RouteScope"}, {"version", version}}},
                                {"pages", QJsonArray()},
                                {"entries", entries}}}};
}

namespace {
HttpHeaders headersFrom(const QJsonArray &a)
{
    HttpHeaders h;
    for (const QJsonValue &v : a)
        h.add(v.toObject().value("name").toString().toLatin1(), v.toObject().value("value").toString().toUtf8());
    return h;
}

void bodyFrom(CapturedMessage &m, const QJsonObject &content)
{
    const QString text = content.value("text").toString();
    m.body = content.value("encoding").toString() == QLatin1String("base64") ? QByteArray::fromBase64(text.toLatin1()) : text.toUtf8();
    m.bodySize = qMax<qint64>(m.body.size(), clampedInt<qint64>(content.value("size").toDouble(m.body.size())));
}

CapturedMessage requestFrom(const QJsonObject &o, bool stripOrigin)
{
    CapturedMessage m;
    m.present = true;
    m.method = o.value("method").toString().toLatin1();
    QString url = o.value("url").toString();
    if (stripOrigin && url.contains(QLatin1String("://"))) {
        const qsizetype slash = url.indexOf(QLatin1Char('/'), url.indexOf(QLatin1String("://")) + 3);
        url = slash >= 0 ? url.mid(slash) : QStringLiteral("/");
    }
    m.target = url.toUtf8();
    m.headers = headersFrom(o.value("headers").toArray());
    const QJsonObject post = o.value("postData").toObject();
    m.body = post.value("text").toString().toUtf8();
    m.bodySize = qMax<qint64>(m.body.size(), clampedInt<qint64>(o.value("bodySize").toDouble(0)));
    return m;
}

CapturedMessage responseFrom(const QJsonObject &o)
{
    CapturedMessage m;
    m.present = true;
    m.status = o.value("status").toInt();
    m.reason = o.value("statusText").toString().toLatin1();
    m.headers = headersFrom(o.value("headers").toArray());
    bodyFrom(m, o.value("content").toObject());
    return m;
}
} // namespace

QList<ExchangePtr> fromHarText(const QByteArray &text, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1: %2").arg(describeOffset(text, pe.offset), pe.errorString());
        return {};
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("line 1, column 1: not a HAR file (a HAR is a JSON object with log.entries)");
        return {};
    }
    return fromHar(doc.object(), error);
}

QList<ExchangePtr> fromHar(const QJsonObject &har, QString *error)
{
    const QJsonObject log = har.value("log").toObject();
    if (!log.contains("entries")) {
        *error = QStringLiteral("not a HAR file: no log.entries");
        return {};
    }
    QList<ExchangePtr> out;
    quint64 nextId = 1;
    for (const QJsonValue &v : log.value("entries").toArray()) {
        const QJsonObject entry = v.toObject();
        auto e = std::make_shared<CapturedExchange>();
        const QJsonObject x = entry.value("_routescope").toObject();
        e->id = x.contains("id") ? x.value("id").toString().toULongLong() : nextId;
        nextId = e->id + 1;
        e->startedAtMs = QDateTime::fromString(entry.value("startedDateTime").toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
        e->clientRequest = requestFrom(entry.value("request").toObject(), true);
        e->clientResponse = responseFrom(entry.value("response").toObject());
        e->routeId = x.value("route").toString();
        e->routingPath = x.value("routing_path").toString().toUtf8();
        e->upstreamAddress = x.value("upstream").toString();
        for (const QJsonValue &n : x.value("notes").toArray())
            e->notes << n.toString();
        e->degraded = x.value("degraded").toBool();
        e->modifiedByRunner = x.value("modifiedByRunner").toBool();
        if (x.contains("upstreamRequest"))
            e->upstreamRequest = requestFrom(x.value("upstreamRequest").toObject(), false);
        if (x.contains("upstreamResponse"))
            e->upstreamResponse = responseFrom(x.value("upstreamResponse").toObject());
        const QJsonObject err = x.value("error").toObject();
        e->errorStep = err.value("step").toString();
        e->errorText = err.value("message").toString();
        for (const QJsonValue &fv : x.value("runnerFrames").toArray()) {
            const QJsonObject f = fv.toObject();
            RunnerFrameRecord r;
            r.atNs = clampedInt<qint64>(f.value("atNs").toDouble());
            r.plugin = f.value("plugin").toString();
            r.fromRunner = f.value("fromRunner").toBool();
            r.type = quint8(f.value("type").toInt());
            r.size = clampedInt<qint64>(f.value("size").toDouble());
            r.payload = QByteArray::fromBase64(f.value("payload").toString().toLatin1());
            e->frames.append(r);
        }
        const QJsonObject t = x.value("timingsNs").toObject();
        auto ns = [&t](const char *k) { return t.contains(QLatin1String(k)) ? clampedInt<qint64>(t.value(QLatin1String(k)).toDouble()) : qint64(-1); };
        if (!t.isEmpty())
            e->timings = {ns("route"), ns("preReq"), ns("postReq"), ns("connect"), ns("firstByte"), ns("upstream"), ns("postResp"), ns("write"), ns("total"),
                          ns("preReqAt"), ns("postReqAt"), ns("upstreamAt"), ns("postRespAt"), ns("writeAt")};
        else
            e->timings.totalNs = clampedInt<qint64>(entry.value("time").toDouble() * 1e6);
        out.append(e);
    }
    return out;
}
