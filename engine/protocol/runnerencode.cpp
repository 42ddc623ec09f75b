// Encoding of the runner messages: payloads and whole frames, on one FlatBufferBuilder per thread.
#include "runnermessages.h"

#include "a6_generated.h"
#include "frame.h"

#include <flatbuffers/flatbuffers.h>

#include <QVarLengthArray>
#include <QtEndian>

#include <algorithm>

namespace Runner {
namespace {

using Builder = flatbuffers::FlatBufferBuilder;

// One builder per thread, cleared between messages, so encoding a message allocates only its result.
Builder &scratch()
{
    thread_local Builder builder(1024);
    builder.Clear();
    return builder;
}

enum class NameCase { AsIs, Lower };

flatbuffers::Offset<flatbuffers::String> name(Builder &b, const QByteArray &s, NameCase nameCase)
{
    const auto isUpper = [](char c) { return c >= 'A' && c <= 'Z'; };
    if (nameCase == NameCase::AsIs || std::none_of(s.cbegin(), s.cend(), isUpper))
        return b.CreateString(s.constData(), size_t(s.size()));
    QVarLengthArray<char, 128> lower(s.size());
    std::transform(s.cbegin(), s.cend(), lower.begin(), [&](char c) { return isUpper(c) ? char(c + 32) : c; });
    return b.CreateString(lower.constData(), size_t(lower.size()));
}

const QByteArray *valueOf(const TextPair &p) { return p.value ? &*p.value : nullptr; }
const QByteArray *valueOf(const HeaderFields::value_type &p) { return &p.second; }
const QByteArray &nameOf(const TextPair &p) { return p.name; }
const QByteArray &nameOf(const HeaderFields::value_type &p) { return p.first; }

template<typename Pairs>
flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<A6::TextEntry>>> entries(Builder &b, const Pairs &pairs,
                                                                                   NameCase nameCase = NameCase::AsIs)
{
    if (pairs.isEmpty())
        return 0;
    QVarLengthArray<flatbuffers::Offset<A6::TextEntry>, 32> offsets;
    offsets.reserve(pairs.size());
    for (const auto &p : pairs) {
        const auto n = name(b, nameOf(p), nameCase);
        const QByteArray *v = valueOf(p);
        flatbuffers::Offset<flatbuffers::String> value;
        if (v)
            value = b.CreateString(v->constData(), size_t(v->size()));
        A6::TextEntryBuilder e(b);
        e.add_name(n);
        if (v)
            e.add_value(value);
        offsets.append(e.Finish());
    }
    return b.CreateVector(offsets.constData(), size_t(offsets.size()));
}

flatbuffers::Offset<flatbuffers::Vector<uint8_t>> bytes(Builder &b, const QByteArray &data)
{
    if (data.isEmpty())
        return 0;
    return b.CreateVector(reinterpret_cast<const uint8_t *>(data.constData()), size_t(data.size()));
}

flatbuffers::Offset<flatbuffers::String> string(Builder &b, const QByteArray &s)
{
    return b.CreateString(s.constData(), size_t(s.size()));
}

// The finished buffer, copied out; a builder grown for a large message gives its memory back.
QByteArray finish(Builder &b)
{
    QByteArray out(reinterpret_cast<const char *>(b.GetBufferPointer()), qsizetype(b.GetSize()));
    if (b.GetSize() > 64 * 1024)
        b.Reset();
    return out;
}

void build(Builder &b, const PrepareConfReq &m)
{
    const auto conf = entries(b, m.conf);
    const auto key = string(b, m.key);
    A6::PrepareConf::ReqBuilder r(b);
    if (!conf.IsNull())
        r.add_conf(conf);
    r.add_key(key);
    b.Finish(r.Finish());
}

void build(Builder &b, const PrepareConfResp &m)
{
    b.Finish(A6::PrepareConf::CreateResp(b, m.confToken));
}

void build(Builder &b, const HttpReqCallReq &m)
{
    const auto src = bytes(b, m.srcIp);
    const auto path = string(b, m.path);
    const auto args = entries(b, m.args);
    const auto headers = entries(b, m.headers, NameCase::Lower);
    A6::HTTPReqCall::ReqBuilder r(b);
    r.add_id(m.id);
    if (!src.IsNull())
        r.add_src_ip(src);
    r.add_method(A6::Method(m.method));
    r.add_path(path);
    if (!args.IsNull())
        r.add_args(args);
    if (!headers.IsNull())
        r.add_headers(headers);
    r.add_conf_token(m.confToken);
    b.Finish(r.Finish());
}

void build(Builder &b, const HttpReqCallResp &m)
{
    flatbuffers::Offset<void> action;
    A6::HTTPReqCall::Action type = A6::HTTPReqCall::Action::NONE;
    if (m.action == HttpReqCallResp::Action::Stop) {
        const auto headers = entries(b, m.stop.headers);
        const auto body = bytes(b, m.stop.body);
        A6::HTTPReqCall::StopBuilder s(b);
        s.add_status(m.stop.status);
        if (!headers.IsNull())
            s.add_headers(headers);
        if (!body.IsNull())
            s.add_body(body);
        action = s.Finish().Union();
        type = A6::HTTPReqCall::Action::Stop;
    } else if (m.action == HttpReqCallResp::Action::Rewrite) {
        flatbuffers::Offset<flatbuffers::String> path;
        if (m.rewrite.path)
            path = string(b, *m.rewrite.path);
        const auto headers = entries(b, m.rewrite.headers);
        const auto args = entries(b, m.rewrite.args);
        const auto respHeaders = entries(b, m.rewrite.respHeaders);
        const auto body = bytes(b, m.rewrite.body);
        A6::HTTPReqCall::RewriteBuilder w(b);
        if (m.rewrite.path)
            w.add_path(path);
        if (!headers.IsNull())
            w.add_headers(headers);
        if (!args.IsNull())
            w.add_args(args);
        if (!respHeaders.IsNull())
            w.add_resp_headers(respHeaders);
        if (!body.IsNull())
            w.add_body(body);
        action = w.Finish().Union();
        type = A6::HTTPReqCall::Action::Rewrite;
    }
    A6::HTTPReqCall::RespBuilder r(b);
    r.add_id(m.id);
    if (type != A6::HTTPReqCall::Action::NONE) {
        r.add_action_type(type);
        r.add_action(action);
    }
    b.Finish(r.Finish());
}

void build(Builder &b, const HttpRespCallReq &m)
{
    // lua-resty-http's res.headers, as APISIX sends them: names keep the upstream's case.
    const auto headers = entries(b, m.headers);
    A6::HTTPRespCall::ReqBuilder r(b);
    r.add_id(m.id);
    r.add_status(m.status);
    if (!headers.IsNull())
        r.add_headers(headers);
    r.add_conf_token(m.confToken);
    b.Finish(r.Finish());
}

void build(Builder &b, const HttpRespCallResp &m)
{
    const auto headers = entries(b, m.headers);
    const auto body = bytes(b, m.body);
    A6::HTTPRespCall::RespBuilder r(b);
    r.add_id(m.id);
    r.add_status(m.status);
    if (!headers.IsNull())
        r.add_headers(headers);
    if (!body.IsNull())
        r.add_body(body);
    b.Finish(r.Finish());
}

void build(Builder &b, const ExtraInfoReq &m)
{
    flatbuffers::Offset<void> info;
    A6::ExtraInfo::Info type = A6::ExtraInfo::Info::Var;
    switch (m.kind) {
    case ExtraInfoReq::Kind::Var: {
        const auto name = string(b, m.name);
        info = A6::ExtraInfo::CreateVar(b, name).Union();
        break;
    }
    case ExtraInfoReq::Kind::ReqBody:
        info = A6::ExtraInfo::CreateReqBody(b).Union();
        type = A6::ExtraInfo::Info::ReqBody;
        break;
    case ExtraInfoReq::Kind::RespBody:
        info = A6::ExtraInfo::CreateRespBody(b).Union();
        type = A6::ExtraInfo::Info::RespBody;
        break;
    }
    b.Finish(A6::ExtraInfo::CreateReq(b, type, info));
}

void build(Builder &b, const ExtraInfoResp &m)
{
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> result;
    if (m.result)
        result = b.CreateVector(reinterpret_cast<const uint8_t *>(m.result->constData()), size_t(m.result->size()));
    A6::ExtraInfo::RespBuilder r(b);
    if (m.result)
        r.add_result(result);
    b.Finish(r.Finish());
}

void build(Builder &b, const ErrResp &m)
{
    A6::Err::RespBuilder r(b);
    // Written even when 0, so the buffer is never empty (PROTOCOL.md: always send a non-empty buffer).
    b.ForceDefaults(true);
    r.add_code(A6::Err::Code(m.code));
    b.Finish(r.Finish());
    b.ForceDefaults(false);
}

constexpr quint8 frameType(const PrepareConfReq *) { return Frame::PrepareConf; }
constexpr quint8 frameType(const PrepareConfResp *) { return Frame::PrepareConf; }
constexpr quint8 frameType(const HttpReqCallReq *) { return Frame::HttpReqCall; }
constexpr quint8 frameType(const HttpReqCallResp *) { return Frame::HttpReqCall; }
constexpr quint8 frameType(const HttpRespCallReq *) { return Frame::HttpRespCall; }
constexpr quint8 frameType(const HttpRespCallResp *) { return Frame::HttpRespCall; }
constexpr quint8 frameType(const ExtraInfoReq *) { return Frame::ExtraInfo; }
constexpr quint8 frameType(const ExtraInfoResp *) { return Frame::ExtraInfo; }
constexpr quint8 frameType(const ErrResp *) { return Frame::RpcError; }

} // namespace

template<typename Message>
QByteArray encode(const Message &m)
{
    Builder &b = scratch();
    build(b, m);
    return finish(b);
}

template<typename Message>
std::optional<QByteArray> encodeFrame(const Message &m, QString *error)
{
    Builder &b = scratch();
    build(b, m);
    const quint32 size = b.GetSize();
    if (size > quint32(Frame::kMaxPayload)) {
        if (error)
            *error = QStringLiteral("message of %1 bytes exceeds the protocol limit of %2 bytes").arg(size).arg(Frame::kMaxPayload);
        b.Reset();
        return std::nullopt;
    }
    // The builder writes back to front, so the frame header goes in front of the finished payload.
    const uint8_t header[Frame::kHeaderSize] = {frameType(&m), uint8_t(size >> 16), uint8_t(size >> 8), uint8_t(size)};
    b.PushBytes(header, sizeof header);
    return finish(b);
}

std::optional<FrameParts> encodeFrameParts(const ExtraInfoResp &m, QString *error)
{
    constexpr qsizetype kApartFrom = 64 * 1024;
    if (!m.result || m.result->size() < kApartFrom) {
        std::optional<QByteArray> whole = encodeFrame(m, error);
        return whole ? std::optional<FrameParts>(FrameParts{std::move(*whole), {}}) : std::nullopt;
    }
    // The result vector is the builder's first object, so it ends the buffer: encoded empty, its length
    // field is the frame's last four bytes. Set to the result's length, the result's bytes follow.
    std::optional<QByteArray> head = encodeFrame(ExtraInfoResp{QByteArray("")});
    const qsizetype payload = head->size() - Frame::kHeaderSize + m.result->size();
    if (payload > Frame::kMaxPayload) {
        if (error)
            *error = QStringLiteral("message of %1 bytes exceeds the protocol limit of %2 bytes").arg(payload).arg(Frame::kMaxPayload);
        return std::nullopt;
    }
    char *h = head->data();
    h[1] = char(payload >> 16);
    h[2] = char(payload >> 8);
    h[3] = char(payload);
    qToLittleEndian<quint32>(quint32(m.result->size()), h + head->size() - 4);
    return FrameParts{std::move(*head), *m.result};
}

template QByteArray encode(const PrepareConfReq &);
template QByteArray encode(const PrepareConfResp &);
template QByteArray encode(const HttpReqCallReq &);
template QByteArray encode(const HttpReqCallResp &);
template QByteArray encode(const HttpRespCallReq &);
template QByteArray encode(const HttpRespCallResp &);
template QByteArray encode(const ExtraInfoReq &);
template QByteArray encode(const ExtraInfoResp &);
template QByteArray encode(const ErrResp &);
template std::optional<QByteArray> encodeFrame(const PrepareConfReq &, QString *);
template std::optional<QByteArray> encodeFrame(const PrepareConfResp &, QString *);
template std::optional<QByteArray> encodeFrame(const HttpReqCallReq &, QString *);
template std::optional<QByteArray> encodeFrame(const HttpReqCallResp &, QString *);
template std::optional<QByteArray> encodeFrame(const HttpRespCallReq &, QString *);
template std::optional<QByteArray> encodeFrame(const HttpRespCallResp &, QString *);
template std::optional<QByteArray> encodeFrame(const ExtraInfoReq &, QString *);
template std::optional<QByteArray> encodeFrame(const ExtraInfoResp &, QString *);
template std::optional<QByteArray> encodeFrame(const ErrResp &, QString *);

} // namespace Runner
