#include "httpmessage.h"

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

QByteArray HttpRequest::host() const
{
    QByteArray h = headers.value("host");
    if (h.startsWith('[')) { // [v6]:port
        const qsizetype close = h.indexOf(']');
        return close > 0 ? h.left(close + 1) : h;
    }
    const qsizetype colon = h.lastIndexOf(':');
    return colon >= 0 ? h.left(colon) : h;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Request Entity Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Temporarily Unavailable";
    case 504: return "Gateway Time-out";
    }
    return "Unknown";
}
