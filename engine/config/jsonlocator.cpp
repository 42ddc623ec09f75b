#include "jsonlocator.h"

#include "problem.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <QList>

namespace {
// Offset after the closing quote of the string whose opening quote is at `start`.
qsizetype stringEnd(const QByteArray &text, qsizetype start)
{
    for (qsizetype i = start + 1; i < text.size(); ++i) {
        if (text[i] == '\\')
            ++i; // skip the escaped character
        else if (text[i] == '"')
            return i + 1;
    }
    return text.size();
}
} // namespace

// rapidjson parses strings and numbers on a local copy of the stream, so during those events Tell() is
// still at the token's first character; after literals and brackets it is past them.

class LocatorHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, LocatorHandler>
{
public:
    LocatorHandler(JsonLocator *out, const QByteArray &text, const rapidjson::StringStream &stream)
        : m_out(out), m_text(text), m_stream(stream) {}

    bool Null() { return scalar(4); }
    bool Bool(bool b) { return scalar(b ? 4 : 5); }
    bool RawNumber(const char *, rapidjson::SizeType length, bool)
    {
        const qsizetype start = tell();
        record(TextRange{start, start + qsizetype(length)});
        return true;
    }
    bool String(const char *, rapidjson::SizeType, bool)
    {
        const qsizetype start = tell();
        record(TextRange{start, stringEnd(m_text, start)});
        return true;
    }
    bool StartObject() { return open(true); }
    bool Key(const char *str, rapidjson::SizeType length, bool)
    {
        const qsizetype start = tell();
        m_frames.last().key = pointerToken(QString::fromUtf8(str, qsizetype(length)));
        m_frames.last().keyRange = {start, stringEnd(m_text, start)};
        return true;
    }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool StartArray() { return open(false); }
    bool EndArray(rapidjson::SizeType) { return close(); }

private:
    struct Frame
    {
        bool object = false;
        QString pointer;   // of the container itself
        qsizetype start = 0;
        int index = 0;
        QString key;
        TextRange keyRange;
    };

    qsizetype tell() const { return qsizetype(m_stream.Tell()); }

    QString childPointer()
    {
        if (m_frames.isEmpty())
            return QString();
        Frame &f = m_frames.last();
        if (f.object) {
            const QString p = f.pointer + QLatin1Char('/') + f.key;
            m_out->m_keys.insert(p, f.keyRange);
            return p;
        }
        return f.pointer + QLatin1Char('/') + QString::number(f.index++);
    }

    bool scalar(qsizetype length)
    {
        const qsizetype end = tell();
        record(TextRange{end - length, end});
        return true;
    }

    void record(TextRange range)
    {
        m_out->m_values.insert(childPointer(), range);
    }

    bool open(bool object)
    {
        const QString pointer = childPointer();
        m_frames.append({object, pointer, tell() - 1, 0, {}, {}});
        return true;
    }

    bool close()
    {
        const Frame f = m_frames.takeLast();
        m_out->m_values.insert(f.pointer, TextRange{f.start, tell()});
        return true;
    }

    JsonLocator *m_out;
    const QByteArray &m_text;
    const rapidjson::StringStream &m_stream;
    QList<Frame> m_frames;
};

JsonLocator::JsonLocator(const QByteArray &utf8)
{
    const QByteArray text = utf8; // keeps a terminating NUL for rapidjson
    rapidjson::StringStream stream(text.constData());
    LocatorHandler handler(this, text, stream);
    rapidjson::Reader reader;
    const rapidjson::ParseResult result = reader.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag>(stream, handler);
    if (result.IsError()) {
        m_errorOffset = qsizetype(result.Offset());
        m_errorText = QString::fromUtf8(rapidjson::GetParseError_En(result.Code()));
        return;
    }
    // Only white space may follow the value.
    for (qsizetype i = qsizetype(stream.Tell()); i < text.size(); ++i) {
        if (!QChar::isSpace(uchar(text[i]))) {
            m_errorOffset = i;
            m_errorText = QStringLiteral("The document root must not be followed by other values.");
            return;
        }
    }
}

TextRange JsonLocator::valueRange(const QString &pointer) const
{
    QString p = pointer;
    while (true) {
        const auto it = m_values.constFind(p);
        if (it != m_values.constEnd())
            return *it;
        if (p.isEmpty())
            return {};
        p.truncate(qMax<qsizetype>(0, p.lastIndexOf(QLatin1Char('/'))));
    }
}

TextRange JsonLocator::keyRange(const QString &pointer) const
{
    return m_keys.value(pointer);
}

std::pair<int, int> lineColumn(const QByteArray &utf8, qsizetype offset)
{
    int line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset && i < utf8.size(); ++i) {
        if (utf8[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return {line, int(offset - lineStart) + 1};
}

TextRange innerValueRange(const QByteArray &outer, TextRange stringRange, const QString &innerPointer)
{
    if (!stringRange.isValid() || stringRange.end - stringRange.start < 2 || outer[stringRange.start] != '"')
        return {};
    // Decode the literal, remembering for each decoded byte where it came from in the outer text.
    QByteArray decoded;
    QList<qsizetype> origin;
    for (qsizetype i = stringRange.start + 1; i < stringRange.end - 1; ++i) {
        const qsizetype from = i;
        char c = outer[i];
        if (c == '\\' && i + 1 < stringRange.end - 1) {
            const char e = outer[++i];
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': { // \uXXXX: one placeholder byte is enough for locating
                c = '?';
                i += 4;
                break;
            }
            default: c = e; break; // \" \\ \/
            }
        }
        decoded.append(c);
        origin.append(from);
    }
    origin.append(stringRange.end - 1);
    const JsonLocator inner(decoded);
    if (!inner.isValid())
        return {};
    const TextRange r = inner.valueRange(innerPointer);
    if (!r.isValid())
        return {};
    return {origin.value(r.start), origin.value(r.end)};
}
