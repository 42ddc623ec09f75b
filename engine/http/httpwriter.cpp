#include "httpwriter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringBuilder>

// Every write is one `out += a % b % …`: one size check and memcpys. (QByteArray::append(QByteArrayView)
// goes through insert() in Qt 6.4, which cost a microsecond a request on the proxy's hot path.)

namespace HttpWriter {

void requestLine(QByteArray &out, QByteArrayView method, QByteArrayView target)
{
    out += method % ' ' % target % " HTTP/1.1\r\n";
}

void statusLine(QByteArray &out, int status, QByteArrayView reason)
{
    const QByteArray standard = reason.isEmpty() ? reasonPhrase(status) : QByteArray();
    out += "HTTP/1.1 " % QByteArray::number(status) % ' ' % (reason.isEmpty() ? QByteArrayView(standard) : reason) % "\r\n";
}

void field(QByteArray &out, QByteArrayView name, QByteArrayView value)
{
    out += name % ": " % value % "\r\n";
}

void fields(QByteArray &out, const HttpHeaders &headers)
{
    for (const auto &[name, value] : headers.fields())
        field(out, name, value);
}

void endHead(QByteArray &out)
{
    out += "\r\n";
}

void chunk(QByteArray &out, const char *data, qsizetype size)
{
    Q_ASSERT(size > 0);
    out += QByteArray::number(qulonglong(size), 16) % "\r\n" % QByteArrayView(data, size) % "\r\n";
}

QByteArray errorBody(const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error_msg"), message}}).toJson(QJsonDocument::Compact) + '\n';
}

bool isHopByHop(QByteArrayView name, QByteArrayView connectionTokens)
{
    static constexpr QByteArrayView hop[] = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                                             "transfer-encoding", "upgrade"};
    for (QByteArrayView h : hop)
        if (headerNameIs(name, h))
            return true;
    return !connectionTokens.isEmpty() && headerHasToken(connectionTokens, name);
}

QByteArray replayRequest(QByteArrayView method, QByteArrayView target, const HttpHeaders &headers, const QByteArray &body)
{
    QByteArray out;
    requestLine(out, method, target);
    for (const auto &[name, value] : headers.fields())
        if (!headerNameIs(name, "content-length") && !headerNameIs(name, "transfer-encoding") && !headerNameIs(name, "connection"))
            field(out, name, value);
    if (!body.isEmpty() || headers.contains("content-length"))
        field(out, "Content-Length", QByteArray::number(body.size()));
    field(out, "Connection", "close");
    endHead(out);
    out += body;
    return out;
}

} // namespace HttpWriter
