#pragma once

#include "httpmessage.h"

#include <QString>

// A body made readable for the inspector: content-encoding undone (gzip, deflate, br), JSON and XML
// pretty-printed, binary shown as a hex dump. Pure, so large bodies can be prepared off the GUI thread.
struct BodyText
{
    enum class Kind { Empty, Text, Json, Xml, Image, Binary };
    Kind kind = Kind::Empty;
    QString text;          // what to show (for images: a one-line description)
    QByteArray decoded;    // the body after content-encoding (images are shown from this)
    QString note;          // e.g. "gzip: 1.2 KiB decoded to 8 KiB", or why decoding failed
};

BodyText makeBodyText(const HttpHeaders &headers, const QByteArray &body, qint64 realSize);

// Undoes a Content-Encoding; false (with `error`) when the data is not what it claims.
bool decodeContent(const QByteArray &encoding, const QByteArray &data, QByteArray *out, QString *error);
// What a text view can lay out quickly: at most `maxChars` characters (-1: all), and lines longer than
// `maxLineChars` cut into pieces of that length (one very long line is what makes text layout slow).
struct ShownText
{
    QString text;
    bool cut = false;         // not all of it
    bool linesSplit = false;  // some long lines were cut into pieces
};
ShownText shownText(const QString &text, qsizetype maxChars, qsizetype maxLineChars);

QString hexDump(const QByteArray &data, qsizetype maxBytes = 64 * 1024);
QString sizeText(qint64 bytes);
