#include "demoupstream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

LocalReply demoUpstreamReply(const LocalRequest &in, quint16 ownPort)
{
    const HttpRequest &r = in.request;
    LocalReply reply;
    reply.headers.add("X-Upstream-Port", QByteArray::number(ownPort));
    const QByteArray &path = r.path;
    // The keyword may follow any prefix, so /demo/status/404 works through the demo route.
    auto number = [&path](const char *keyword, int *value) {
        const qsizetype at = path.lastIndexOf(keyword);
        if (at < 0)
            return false;
        bool ok = false;
        *value = path.mid(at + qsizetype(qstrlen(keyword))).toInt(&ok);
        return ok;
    };
    int n = 0;
    if (number("/status/", &n)) {
        reply.status = qBound(200, n, 599);
    } else if (number("/delay/", &n)) {
        reply.delayMs = qBound(0, n, 600000);
    } else if (number("/bytes/", &n)) {
        reply.headers.add("Content-Type", "application/octet-stream");
        reply.body = QByteArray(qBound(0, n, 64 * 1024 * 1024), 'x');
        reply.chunked = path.contains("/chunked/"); // /chunked/bytes/N: the same, chunked
        return reply;
    } else if (path.endsWith("/chunked")) {
        reply.chunked = true;
    }
    QJsonArray headers;
    for (const auto &[name, value] : r.headers.fields())
        headers.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    const QJsonObject echo{
        {QStringLiteral("method"), QString::fromLatin1(r.method)},
        {QStringLiteral("uri"), QString::fromUtf8(r.target)},
        {QStringLiteral("path"), QString::fromUtf8(r.path)},
        {QStringLiteral("headers"), headers},
        {QStringLiteral("body"), QString::fromUtf8(r.body)},
        {QStringLiteral("remote_addr"), in.peer.toString()},
        {QStringLiteral("remote_port"), in.peerPort},
        {QStringLiteral("port"), ownPort},
    };
    reply.headers.add("Content-Type", "application/json");
    reply.body = QJsonDocument(echo).toJson(QJsonDocument::Compact) + '\n';
    return reply;
}
