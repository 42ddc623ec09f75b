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
    // nginx's status lines (ngx_http_header_filter_module.c), which APISIX answers with whenever it sets the
    // status itself (ngx.status clears the upstream's line): "405 Not Allowed", "302 Moved Temporarily",
    // "408 Request Time-out". A code nginx has no line for is written "HTTP/1.1 418 " (empty reason).
    switch (status) {
    case 100: return QByteArrayLiteral("Continue"); // ngx_http_core_send_continue's own line
    case 101: return QByteArrayLiteral("Switching Protocols");
    case 200: return QByteArrayLiteral("OK");
    case 201: return QByteArrayLiteral("Created");
    case 202: return QByteArrayLiteral("Accepted");
    case 204: return QByteArrayLiteral("No Content");
    case 206: return QByteArrayLiteral("Partial Content");
    case 301: return QByteArrayLiteral("Moved Permanently");
    case 302: return QByteArrayLiteral("Moved Temporarily");
    case 303: return QByteArrayLiteral("See Other");
    case 304: return QByteArrayLiteral("Not Modified");
    case 307: return QByteArrayLiteral("Temporary Redirect");
    case 308: return QByteArrayLiteral("Permanent Redirect");
    case 400: return QByteArrayLiteral("Bad Request");
    case 401: return QByteArrayLiteral("Unauthorized");
    case 402: return QByteArrayLiteral("Payment Required");
    case 403: return QByteArrayLiteral("Forbidden");
    case 404: return QByteArrayLiteral("Not Found");
    case 405: return QByteArrayLiteral("Not Allowed");
    case 406: return QByteArrayLiteral("Not Acceptable");
    case 408: return QByteArrayLiteral("Request Time-out");
    case 409: return QByteArrayLiteral("Conflict");
    case 410: return QByteArrayLiteral("Gone");
    case 411: return QByteArrayLiteral("Length Required");
    case 412: return QByteArrayLiteral("Precondition Failed");
    case 413: return QByteArrayLiteral("Request Entity Too Large");
    case 414: return QByteArrayLiteral("Request-URI Too Large");
    case 415: return QByteArrayLiteral("Unsupported Media Type");
    case 416: return QByteArrayLiteral("Requested Range Not Satisfiable");
    case 421: return QByteArrayLiteral("Misdirected Request");
    case 429: return QByteArrayLiteral("Too Many Requests");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 501: return QByteArrayLiteral("Not Implemented");
    case 502: return QByteArrayLiteral("Bad Gateway");
    case 503: return QByteArrayLiteral("Service Temporarily Unavailable");
    case 504: return QByteArrayLiteral("Gateway Time-out");
    case 505: return QByteArrayLiteral("HTTP Version Not Supported");
    case 507: return QByteArrayLiteral("Insufficient Storage");
    }
    return {};
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

void HttpRequest::setTarget(QByteArray requestTarget)
{
    target = std::move(requestTarget);
    const qsizetype q = target.indexOf('?');
    path = q < 0 ? target : target.left(q);
    query = q < 0 ? QByteArray() : target.mid(q + 1);
}
