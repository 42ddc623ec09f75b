#include "httpwriter.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace HttpWriter {

void requestLine(QByteArray &out, QByteArrayView method, QByteArrayView target)
{
    out.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
}

void statusLine(QByteArray &out, int status, QByteArrayView reason)
{
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ');
    if (reason.isEmpty())
        out.append(reasonPhrase(status));
    else
        out.append(reason);
    out.append("\r\n");
}

void field(QByteArray &out, QByteArrayView name, QByteArrayView value)
{
    out.append(name).append(": ").append(value).append("\r\n");
}

void fields(QByteArray &out, const HttpHeaders &headers)
{
    for (const auto &[name, value] : headers.fields())
        field(out, name, value);
}

void endHead(QByteArray &out)
{
    out.append("\r\n");
}

void chunk(QByteArray &out, const char *data, qsizetype size)
{
    Q_ASSERT(size > 0);
    out.append(QByteArray::number(qulonglong(size), 16)).append("\r\n").append(data, size).append("\r\n");
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
    out.append(body);
    return out;
}

} // namespace HttpWriter
