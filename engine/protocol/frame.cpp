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

std::optional<DecodedFrame> FrameDecoder::next()
{
    if (m_buffer.size() < Frame::kHeaderSize)
        return std::nullopt;
    const auto *h = reinterpret_cast<const uchar *>(m_buffer.constData());
    const qsizetype size = (qsizetype(h[1]) << 16) | (qsizetype(h[2]) << 8) | qsizetype(h[3]);
    if (m_buffer.size() < Frame::kHeaderSize + size)
        return std::nullopt;
    DecodedFrame frame{h[0], m_buffer.mid(Frame::kHeaderSize, size)};
    if (m_buffer.size() == Frame::kHeaderSize + size && m_buffer.capacity() > 1024 * 1024)
        m_buffer = QByteArray(); // a big frame's buffer is given back, not kept for the next small one
    else
        m_buffer.remove(0, Frame::kHeaderSize + size);
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
