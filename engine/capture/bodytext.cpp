#include "bodytext.h"

#include <QJsonDocument>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>

#include <brotli/decode.h>
#include <zlib.h>

QString sizeText(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(bytes / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(bytes / (1024.0 * 1024.0), 0, 'f', 1);
}

bool decodeContent(const QByteArray &encoding, const QByteArray &data, QByteArray *out, QString *error)
{
    const QByteArray e = encoding.trimmed().toLower();
    if (e.isEmpty() || e == "identity") {
        *out = data;
        return true;
    }
    if (e == "gzip" || e == "x-gzip" || e == "deflate") {
        z_stream s{};
        // 15 + 32: detect gzip or zlib headers; raw deflate is retried below.
        if (inflateInit2(&s, 15 + 32) != Z_OK) {
            *error = QStringLiteral("zlib could not start");
            return false;
        }
        QByteArray result;
        char buffer[64 * 1024];
        s.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
        s.avail_in = uInt(data.size());
        int rc = Z_OK;
        while (rc == Z_OK) {
            s.next_out = reinterpret_cast<Bytef *>(buffer);
            s.avail_out = sizeof(buffer);
            rc = inflate(&s, Z_NO_FLUSH);
            result.append(buffer, qsizetype(sizeof(buffer) - s.avail_out));
            if (result.size() > 256 * 1024 * 1024) {
                rc = Z_MEM_ERROR;
                break;
            }
        }
        inflateEnd(&s);
        if (rc != Z_STREAM_END && e == "deflate") { // some servers send raw deflate
            z_stream r{};
            inflateInit2(&r, -15);
            result.clear();
            r.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
            r.avail_in = uInt(data.size());
            rc = Z_OK;
            while (rc == Z_OK) {
                r.next_out = reinterpret_cast<Bytef *>(buffer);
                r.avail_out = sizeof(buffer);
                rc = inflate(&r, Z_NO_FLUSH);
                result.append(buffer, qsizetype(sizeof(buffer) - r.avail_out));
            }
            inflateEnd(&r);
        }
        if (rc != Z_STREAM_END) {
            *error = QStringLiteral("not valid %1 data (zlib: %2)").arg(QString::fromLatin1(e)).arg(rc);
            return false;
        }
        *out = result;
        return true;
    }
    if (e == "br") {
        BrotliDecoderState *state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
        QByteArray result;
        size_t availIn = size_t(data.size());
        const uint8_t *nextIn = reinterpret_cast<const uint8_t *>(data.constData());
        BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
        uint8_t buffer[64 * 1024];
        while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT && result.size() <= 256 * 1024 * 1024) {
            size_t availOut = sizeof(buffer);
            uint8_t *nextOut = buffer;
            rc = BrotliDecoderDecompressStream(state, &availIn, &nextIn, &availOut, &nextOut, nullptr);
            result.append(reinterpret_cast<const char *>(buffer), qsizetype(sizeof(buffer) - availOut));
        }
        BrotliDecoderDestroyInstance(state);
        if (rc != BROTLI_DECODER_RESULT_SUCCESS) {
            *error = QStringLiteral("not valid brotli data");
            return false;
        }
        *out = result;
        return true;
    }
    *error = QStringLiteral("unknown content-encoding \"%1\"").arg(QString::fromLatin1(e));
    return false;
}

QString hexDump(const QByteArray &data, qsizetype maxBytes)
{
    QString out;
    const qsizetype n = qMin(data.size(), maxBytes);
    for (qsizetype off = 0; off < n; off += 16) {
        QString hex, ascii;
        for (qsizetype i = off; i < off + 16; ++i) {
            if (i < n) {
                const uchar c = uchar(data[i]);
                hex += QStringLiteral("%1 ").arg(c, 2, 16, QLatin1Char('0'));
                ascii += (c >= 32 && c < 127) ? QChar(c) : QLatin1Char('.');
            } else {
                hex += QStringLiteral("   ");
            }
        }
        out += QStringLiteral("%1  %2 %3\n").arg(off, 8, 16, QLatin1Char('0')).arg(hex, ascii);
    }
    if (n < data.size())
        out += QStringLiteral("… %1 more\n").arg(sizeText(data.size() - n));
    return out;
}

namespace {
bool looksBinary(const QByteArray &d)
{
    const qsizetype n = qMin<qsizetype>(d.size(), 4096);
    int control = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const uchar c = uchar(d[i]);
        if (c == 0)
            return true;
        if (c < 32 && c != '\n' && c != '\r' && c != '\t')
            ++control;
    }
    return control > n / 20;
}

QString prettyXml(const QByteArray &data, bool *ok)
{
    QXmlStreamReader reader(data);
    QString out;
    QXmlStreamWriter writer(&out);
    writer.setAutoFormatting(true);
    while (!reader.atEnd()) {
        reader.readNext();
        if (!reader.isWhitespace())
            writer.writeCurrentToken(reader);
    }
    *ok = !reader.hasError();
    return out;
}
} // namespace

BodyText makeBodyText(const HttpHeaders &headers, const QByteArray &body, qint64 realSize)
{
    BodyText b;
    if (body.isEmpty() && realSize <= 0)
        return b;
    const bool truncated = realSize > body.size();
    QByteArray data = body;
    const QByteArray encoding = headers.value("content-encoding");
    if (!encoding.isEmpty()) {
        QString error;
        QByteArray decoded;
        if (!truncated && decodeContent(encoding, body, &decoded, &error)) {
            b.note = QStringLiteral("%1: %2 decoded to %3").arg(QString::fromLatin1(encoding), sizeText(body.size()), sizeText(decoded.size()));
            data = decoded;
        } else {
            b.note = truncated ? QStringLiteral("%1 body not decoded: only the first %2 were kept").arg(QString::fromLatin1(encoding), sizeText(body.size()))
                               : QStringLiteral("%1 body not decoded: %2").arg(QString::fromLatin1(encoding), error);
        }
    }
    if (truncated) {
        const QString cut = QStringLiteral("showing the first %1 of %2").arg(sizeText(body.size()), sizeText(realSize));
        b.note = b.note.isEmpty() ? cut : b.note + QStringLiteral("; ") + cut;
    }
    b.decoded = data;
    const QByteArray type = headers.value("content-type").toLower();
    if (type.startsWith("image/")) {
        b.kind = BodyText::Kind::Image;
        b.text = QStringLiteral("%1 image, %2").arg(QString::fromLatin1(type), sizeText(data.size()));
        return b;
    }
    if (type.contains("json") || data.trimmed().startsWith('{') || data.trimmed().startsWith('[')) {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
        if (pe.error == QJsonParseError::NoError) {
            b.kind = BodyText::Kind::Json;
            b.text = QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
            return b;
        }
    }
    if (type.contains("xml") || data.trimmed().startsWith("<?xml")) {
        bool ok = false;
        const QString xml = prettyXml(data, &ok);
        if (ok) {
            b.kind = BodyText::Kind::Xml;
            b.text = xml;
            return b;
        }
    }
    if (looksBinary(data)) {
        b.kind = BodyText::Kind::Binary;
        b.text = hexDump(data);
        return b;
    }
    b.kind = BodyText::Kind::Text;
    b.text = QString::fromUtf8(data);
    return b;
}

ShownText shownText(const QString &text, qsizetype maxChars, qsizetype maxLineChars)
{
    ShownText out;
    const qsizetype limit = maxChars < 0 ? text.size() : qMin(maxChars, text.size());
    out.cut = limit < text.size();
    out.text.reserve(limit + limit / qMax<qsizetype>(maxLineChars, 1) + 1);
    qsizetype pos = 0;
    while (pos < limit) {
        qsizetype end = QStringView(text).left(limit).indexOf(QLatin1Char('\n'), pos); // never past what is shown
        if (end < 0)
            end = limit;
        for (qsizetype at = pos; at < end; at += maxLineChars) {
            if (at > pos) {
                out.text += QLatin1Char('\n');
                out.linesSplit = true;
            }
            out.text += QStringView(text).mid(at, qMin(maxLineChars, end - at));
        }
        if (end < limit)
            out.text += QLatin1Char('\n');
        pos = end + 1;
    }
    return out;
}
