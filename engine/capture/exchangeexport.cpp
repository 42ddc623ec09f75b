#include "exchangeexport.h"

#include "extplugin.h"

#include <QDateTime>
#include <QJsonArray>
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

        QJsonObject extension{{"id", QString::number(e.id)}, {"route", e.routeId}, {"upstream", e.upstreamAddress},
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
