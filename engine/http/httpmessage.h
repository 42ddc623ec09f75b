#pragma once

#include <QByteArray>
#include <QList>

#include <utility>

// Header fields in arrival order with their original spelling; names compare case-insensitively.
class HttpHeaders
{
public:
    using Field = std::pair<QByteArray, QByteArray>;

    void add(const QByteArray &name, const QByteArray &value) { m_fields.append({name, value}); }
    void set(const QByteArray &name, const QByteArray &value);
    void remove(QByteArrayView name);
    bool contains(QByteArrayView name) const;
    // First value, or a null QByteArray when absent.
    QByteArray value(QByteArrayView name) const;
    QList<QByteArray> values(QByteArrayView name) const;

    const QList<Field> &fields() const { return m_fields; }
    QList<Field> &fields() { return m_fields; }
    qsizetype size() const { return m_fields.size(); }
    bool isEmpty() const { return m_fields.isEmpty(); }

private:
    QList<Field> m_fields;
};

bool headerNameIs(QByteArrayView name, QByteArrayView expected);
// Whether nginx's charset filter adds "; charset=…" to this Content-Type: a type of its default
// charset_types (text/html, text/xml, text/plain, text/vnd.wap.wml, application/javascript,
// application/rss+xml) that names no charset.
bool takesCharset(QByteArrayView contentType);
// The name as a QByteArray: for the common spellings a shared static one (no allocation), else a copy.
QByteArray sharedHeaderName(QByteArrayView name);
// Whether a comma-separated header value lists the token (e.g. Connection: keep-alive, Upgrade).
bool headerHasToken(QByteArrayView value, QByteArrayView token);

struct HttpRequest
{
    QByteArray method;   // as sent, e.g. "GET"
    QByteArray target;   // request-target as sent, e.g. "/a/b?x=1"
    QByteArray path;     // target without the query
    QByteArray query;    // after '?', without it; null when there was no '?'
    QByteArray uri;      // the path as nginx's $uri (normalizeUriPath): what routing and the `uri` var see
    int versionMajor = 1;
    int versionMinor = 1;
    HttpHeaders headers;
    QByteArray body;     // de-chunked
    bool keepAlive = true;
    bool chunked = false;

    // Sets target, and path and query from it (uri is the parser's: normalizeUriPath of the path).
    void setTarget(QByteArray requestTarget);
    QByteArray host() const; // Host header without the port
    QByteArrayView hostView() const; // the same, a view into `headers`
};

struct HttpResponseHead
{
    int status = 0;
    QByteArray reason;
    int versionMajor = 1;
    int versionMinor = 1;
    HttpHeaders headers;
};

// The reason nginx writes for `status` when it sets the status itself; empty for a code nginx has no line for.
QByteArray reasonPhrase(int status);
