#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

// Framing of the runner protocol: [type: u8][length: u24 big-endian][payload].
namespace Frame {

enum Type : quint8 {
    RpcError = 0,
    PrepareConf = 1,
    HttpReqCall = 2,
    ExtraInfo = 3,
    HttpRespCall = 4,
};

constexpr qsizetype kHeaderSize = 4;
constexpr qsizetype kMaxPayload = 0xFFFFFF;

QString typeName(quint8 type);

// Returns the whole frame, or nullopt (and an error text) when the payload does not fit in 24 bits.
std::optional<QByteArray> encode(quint8 type, QByteArrayView payload, QString *error = nullptr);

} // namespace Frame

struct DecodedFrame
{
    quint8 type = 0;
    QByteArray payload;
};

// Accumulates bytes from a stream and hands out whole frames; no I/O of its own.
class FrameDecoder
{
public:
    // A large frame's buffer is made its announced size at once (growing, it would take half as much again).
    void feed(QByteArrayView bytes);
    std::optional<DecodedFrame> next();
    // Bytes received that do not yet make a whole frame (a non-zero value at EOF means truncation).
    qsizetype pendingBytes() const { return m_buffer.size(); }
    // Once a header has arrived whose type no message has: why the stream is unusable (its announced
    // payload is not waited for). Empty while all is well.
    QString headerError() const;
    void clear() { m_buffer.clear(); }

private:
    QByteArray m_buffer;
};
