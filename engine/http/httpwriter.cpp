#include "httpwriter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringBuilder>

#include <charconv>

// Every write is one put(out, a % b % …): one size check and memcpys. (QByteArray::append(QByteArrayView)
// goes through insert() in Qt 6.4, which cost a microsecond a request on the proxy's hot path; and Qt 6.4's
// own `out += a % b` compares the new total size with the free space, so it reallocates a buffer that
// is more than half full although the addition fits.)

namespace {
template <typename Built>
void put(QByteArray &out, const Built &built)
{
    const qsizetype size = out.size();
    const qsizetype added = QConcatenable<Built>::size(built);
    if (out.data_ptr().needsDetach() || out.data_ptr().freeSpaceAtEnd() < added)
        out.reserve(qMax(size + added, 2 * out.capacity()));
    out.resize(size + added);
    char *at = out.data() + size;
    QConcatenable<Built>::appendTo(built, at);
}

// A number's digits on the stack: what QByteArray::number() would allocate for.
struct Digits
{
    char text[24];
    qsizetype size;
    Digits(qint64 value, int base = 10) { size = std::to_chars(text, text + sizeof text, value, base).ptr - text; }
    QByteArrayView view() const { return {text, size}; }
};
} // namespace

namespace HttpWriter {

void requestLine(QByteArray &out, QByteArrayView method, QByteArrayView target)
{
    put(out, method % ' ' % target % " HTTP/1.1\r\n");
}

void statusLine(QByteArray &out, int status, QByteArrayView reason)
{
    const QByteArray standard = reason.isEmpty() ? reasonPhrase(status) : QByteArray();
    put(out, "HTTP/1.1 " % Digits(status).view() % ' ' % (reason.isEmpty() ? QByteArrayView(standard) : reason) % "\r\n");
}

void field(QByteArray &out, QByteArrayView name, QByteArrayView value)
{
    put(out, name % ": " % value % "\r\n");
}

void field(QByteArray &out, QByteArrayView name, qint64 value)
{
    put(out, name % ": " % Digits(value).view() % "\r\n");
}

void fields(QByteArray &out, const HttpHeaders &headers)
{
    for (const auto &[name, value] : headers.fields())
        field(out, name, value);
}

void endHead(QByteArray &out)
{
    put(out, QByteArrayView("\r\n"));
}

void chunk(QByteArray &out, const char *data, qsizetype size)
{
    Q_ASSERT(size > 0);
    put(out, Digits(size, 16).view() % "\r\n" % QByteArrayView(data, size) % "\r\n");
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
        field(out, "Content-Length", body.size());
    field(out, "Connection", "close");
    endHead(out);
    out += body;
    return out;
}

} // namespace HttpWriter
