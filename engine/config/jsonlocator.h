#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

// Where each value of a JSON text is: JSON Pointer -> byte range in the UTF-8 text, from rapidjson's SAX
// reader and its stream offsets (not a tokenizer of our own). Also where and why the text is not JSON.
struct TextRange
{
    qsizetype start = -1;   // byte offset of the first character
    qsizetype end = -1;     // byte offset after the last one
    bool isValid() const { return start >= 0 && end >= start; }
    bool operator==(const TextRange &) const = default;
};

class JsonLocator
{
public:
    explicit JsonLocator(const QByteArray &utf8);

    bool isValid() const { return m_errorOffset < 0; }
    qsizetype errorOffset() const { return m_errorOffset; }
    QString errorText() const { return m_errorText; }

    // The value at `pointer`; for a pointer that is not there, its nearest existing ancestor.
    TextRange valueRange(const QString &pointer) const;
    // The key of an object member (its quoted name); invalid for array items and the root.
    TextRange keyRange(const QString &pointer) const;
    bool contains(const QString &pointer) const { return m_values.contains(pointer); }

private:
    friend class LocatorHandler;
    QHash<QString, TextRange> m_values;
    QHash<QString, TextRange> m_keys;
    qsizetype m_errorOffset = -1;
    QString m_errorText;
};

// The range, in the outer text, of `innerPointer`'s value inside the JSON text held by the string literal
// at `stringRange` (a conf value: JSON escaped inside JSON). Invalid if the string does not hold JSON.
TextRange innerValueRange(const QByteArray &outer, TextRange stringRange, const QString &innerPointer);

// Line and column (both from 1) of a byte offset.
std::pair<int, int> lineColumn(const QByteArray &utf8, qsizetype offset);
