#pragma once

#include "httpmessage.h"

#include <QString>

// The one place HTTP/1.1 is written: start lines, header fields, chunked framing, the error body and
// the hop-by-hop rule. The proxy (both ways), the upstream client, the Admin API and demo upstream
// server and replay all write through these, appending to a buffer they own (no allocation of its own
// on the hot path).
namespace HttpWriter {

void requestLine(QByteArray &out, QByteArrayView method, QByteArrayView target);
// "HTTP/1.1 <status> <reason>"; an empty reason is the standard phrase.
void statusLine(QByteArray &out, int status, QByteArrayView reason = {});
void field(QByteArray &out, QByteArrayView name, QByteArrayView value);
void field(QByteArray &out, QByteArrayView name, qint64 value);
void fields(QByteArray &out, const HttpHeaders &headers);
// The empty line after the fields.
void endHead(QByteArray &out);

// What a server sends when it wants the body an "Expect: 100-continue" request holds back.
inline constexpr QByteArrayView kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// One chunk of a chunked body (never empty: an empty chunk is the last one), and the last chunk.
void chunk(QByteArray &out, const char *data, qsizetype size);
inline constexpr QByteArrayView kLastChunk = "0\r\n\r\n";

// APISIX's error body: {"error_msg":"..."} and a newline, escaped as JSON.
QByteArray errorBody(const QString &message);

// Hop-by-hop fields (RFC 9110 §7.6.1) and those `Connection` names: never forwarded.
bool isHopByHop(QByteArrayView name, QByteArrayView connectionTokens);

// A captured request as it is sent again (replay): its fields but its framing and Connection, then a
// Content-Length for its body and "Connection: close".
QByteArray replayRequest(QByteArrayView method, QByteArrayView target, const HttpHeaders &headers, const QByteArray &body);

} // namespace HttpWriter
