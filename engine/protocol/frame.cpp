#include "frame.h"

namespace Frame {

QString typeName(quint8 type)
{
    switch (type) {
    case RpcError: return QStringLiteral("RPC_ERROR");
    case PrepareConf: return QStringLiteral("RPC_PREPARE_CONF");
    case HttpReqCall: return QStringLiteral("RPC_HTTP_REQ_CALL");
    case ExtraInfo: return QStringLiteral("RPC_EXTRA_INFO");
    case HttpRespCall: return QStringLiteral("RPC_HTTP_RESP_CALL");
    }
    return QStringLiteral("unknown type %1").arg(type);
}

std::optional<QByteArray> encode(quint8 type, QByteArrayView payload, QString *error)
{
    if (payload.size() > kMaxPayload) {
        if (error)
            *error = QStringLiteral("message of %1 bytes exceeds the protocol limit of %2 bytes")
                         .arg(payload.size()).arg(kMaxPayload);
        return std::nullopt;
    }
    const auto size = quint32(payload.size());
    QByteArray frame;
    frame.reserve(kHeaderSize + payload.size());
    frame.append(char(type));
    frame.append(char((size >> 16) & 0xFF));
    frame.append(char((size >> 8) & 0xFF));
    frame.append(char(size & 0xFF));
    frame.append(payload.data(), payload.size());
    return frame;
}

} // namespace Frame

namespace {
qsizetype announced(const QByteArray &buffer)
{
    const auto *h = reinterpret_cast<const uchar *>(buffer.constData());
    return (qsizetype(h[1]) << 16) | (qsizetype(h[2]) << 8) | qsizetype(h[3]);
}
} // namespace

void FrameDecoder::feed(QByteArrayView bytes)
{
    m_buffer.append(bytes.data(), bytes.size());
    if (m_buffer.size() < Frame::kHeaderSize || uchar(m_buffer[0]) > Frame::HttpRespCall)
        return; // (an unknown type's announced length is not believed: headerError() fails the stream)
    const qsizetype whole = Frame::kHeaderSize + announced(m_buffer);
    if (whole > 64 * 1024 && m_buffer.capacity() < whole)
        m_buffer.reserve(whole);
}

std::optional<DecodedFrame> FrameDecoder::next()
{
    if (m_buffer.size() < Frame::kHeaderSize)
        return std::nullopt;
    const qsizetype size = announced(m_buffer);
    if (m_buffer.size() < Frame::kHeaderSize + size)
        return std::nullopt;
    const quint8 type = quint8(m_buffer[0]);
    if (m_buffer.size() == Frame::kHeaderSize + size && size > 64 * 1024) {
        // A big frame alone in the buffer: the buffer becomes its payload (the header dropped in place), and
        // the next frame starts a new one.
        QByteArray payload = std::exchange(m_buffer, QByteArray());
        payload.remove(0, Frame::kHeaderSize);
        return DecodedFrame{type, std::move(payload)};
    }
    DecodedFrame frame{type, m_buffer.mid(Frame::kHeaderSize, size)};
    m_buffer.remove(0, Frame::kHeaderSize + size);
    if (m_buffer.isEmpty() && m_buffer.capacity() > 1024 * 1024)
        m_buffer = QByteArray(); // a big buffer is given back, not kept for the next small frame
    return frame;
}

QString FrameDecoder::headerError() const
{
    if (m_buffer.size() < Frame::kHeaderSize)
        return {};
    const auto *h = reinterpret_cast<const uchar *>(m_buffer.constData());
    if (h[0] <= Frame::HttpRespCall)
        return {};
    const qsizetype size = (qsizetype(h[1]) << 16) | (qsizetype(h[2]) << 8) | qsizetype(h[3]);
    return QStringLiteral("protocol error: a frame of unknown type %1 (announcing %2 bytes)").arg(h[0]).arg(size);
}
