#include "httpmessage.h"

#include <algorithm>

bool headerNameIs(QByteArrayView name, QByteArrayView expected)
{
    return name.size() == expected.size() && name.compare(expected, Qt::CaseInsensitive) == 0;
}

bool headerHasToken(QByteArrayView value, QByteArrayView token)
{
    qsizetype start = 0;
    while (start <= value.size()) {
        qsizetype end = value.indexOf(',', start);
        if (end < 0)
            end = value.size();
        if (value.sliced(start, end - start).trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

void HttpHeaders::set(const QByteArray &name, const QByteArray &value)
{
    remove(name);
    add(name, value);
}

void HttpHeaders::remove(QByteArrayView name)
{
    m_fields.removeIf([name](const Field &f) { return headerNameIs(f.first, name); });
}

bool HttpHeaders::contains(QByteArrayView name) const
{
    for (const auto &f : m_fields)
        if (headerNameIs(f.first, name))
            return true;
    return false;
}

QByteArray HttpHeaders::value(QByteArrayView name) const
{
    for (const auto &f : m_fields)
        if (headerNameIs(f.first, name))
            return f.second;
    return {};
}

QList<QByteArray> HttpHeaders::values(QByteArrayView name) const
{
    QList<QByteArray> out;
    for (const auto &f : m_fields)
        if (headerNameIs(f.first, name))
            out.append(f.second);
    return out;
}

QByteArrayView HttpRequest::hostView() const
{
    QByteArrayView h;
    for (const auto &[name, value] : headers.fields()) {
        if (headerNameIs(name, "host")) {
            h = value;
            break;
        }
    }
    if (h.startsWith('[')) { // [v6]:port
        const qsizetype close = h.indexOf(']');
        return close > 0 ? h.first(close + 1) : h;
    }
    const qsizetype colon = h.lastIndexOf(':');
    return colon >= 0 ? h.first(colon) : h;
}

QByteArray HttpRequest::host() const
{
    return hostView().toByteArray();
}

QByteArray sharedHeaderName(QByteArrayView name)
{
    // The spellings nearly every message uses, shared instead of copied (static data, never freed).
    static const QByteArray known[] = {
        QByteArrayLiteral("Host"), QByteArrayLiteral("User-Agent"), QByteArrayLiteral("Accept"),
        QByteArrayLiteral("Accept-Encoding"), QByteArrayLiteral("Accept-Language"), QByteArrayLiteral("Connection"),
        QByteArrayLiteral("Content-Type"), QByteArrayLiteral("Content-Length"), QByteArrayLiteral("Transfer-Encoding"),
        QByteArrayLiteral("Date"), QByteArrayLiteral("Server"), QByteArrayLiteral("Cache-Control"),
        QByteArrayLiteral("Keep-Alive"), QByteArrayLiteral("Authorization"), QByteArrayLiteral("Cookie"),
        QByteArrayLiteral("Set-Cookie"), QByteArrayLiteral("ETag"), QByteArrayLiteral("Last-Modified"),
        QByteArrayLiteral("Vary"), QByteArrayLiteral("Location"), QByteArrayLiteral("X-Forwarded-For"),
        QByteArrayLiteral("X-Real-IP"), QByteArrayLiteral("host"), QByteArrayLiteral("user-agent"),
        QByteArrayLiteral("accept"), QByteArrayLiteral("content-type"), QByteArrayLiteral("content-length"),
        QByteArrayLiteral("connection"), QByteArrayLiteral("date"), QByteArrayLiteral("server"),
    };
    for (const QByteArray &k : known)
        if (k.size() == name.size() && QByteArrayView(k) == name)
            return k;
    return name.toByteArray();
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return QByteArrayLiteral("Continue");
    case 200: return QByteArrayLiteral("OK");
    case 201: return QByteArrayLiteral("Created");
    case 204: return QByteArrayLiteral("No Content");
    case 301: return QByteArrayLiteral("Moved Permanently");
    case 302: return QByteArrayLiteral("Found");
    case 304: return QByteArrayLiteral("Not Modified");
    case 400: return QByteArrayLiteral("Bad Request");
    case 401: return QByteArrayLiteral("Unauthorized");
    case 403: return QByteArrayLiteral("Forbidden");
    case 404: return QByteArrayLiteral("Not Found");
    case 405: return QByteArrayLiteral("Method Not Allowed");
    case 408: return QByteArrayLiteral("Request Timeout");
    case 413: return QByteArrayLiteral("Request Entity Too Large");
    case 431: return QByteArrayLiteral("Request Header Fields Too Large");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 501: return QByteArrayLiteral("Not Implemented");
    case 502: return QByteArrayLiteral("Bad Gateway");
    case 503: return QByteArrayLiteral("Service Temporarily Unavailable");
    case 504: return QByteArrayLiteral("Gateway Time-out");
    }
    return QByteArrayLiteral("Unknown");
}

bool takesCharset(QByteArrayView contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    const QByteArrayView type = (semicolon < 0 ? contentType : contentType.first(semicolon)).trimmed();
    static constexpr QByteArrayView types[] = {"text/html", "text/xml", "text/plain", "text/vnd.wap.wml",
                                               "application/javascript", "application/rss+xml"};
    if (std::none_of(std::begin(types), std::end(types), [type](QByteArrayView t) { return headerNameIs(type, t); }))
        return false;
    return semicolon < 0 || !contentType.sliced(semicolon).toByteArray().toLower().contains("charset=");
}
