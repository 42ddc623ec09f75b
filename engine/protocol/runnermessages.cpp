#include "runnermessages.h"

#include "a6_generated.h"
#include "frame.h"

#include <flatbuffers/flatbuffers.h>

#include <QVarLengthArray>

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

QByteArray toBytes(const flatbuffers::String *s)
{
    return s ? QByteArray(s->c_str(), qsizetype(s->size())) : QByteArray();
}

QByteArray toBytes(const flatbuffers::Vector<uint8_t> *v)
{
    return v ? QByteArray(reinterpret_cast<const char *>(v->data()), qsizetype(v->size())) : QByteArray();
}

// Entries whose value is always there (headers): an absent value reads as empty.
HeaderFields toFields(const flatbuffers::Vector<flatbuffers::Offset<A6::TextEntry>> *v)
{
    HeaderFields out;
    if (!v)
        return out;
    out.reserve(qsizetype(v->size()));
    for (const A6::TextEntry *e : *v)
        out.append({toBytes(e->name()), toBytes(e->value())});
    return out;
}

TextPairs toPairs(const flatbuffers::Vector<flatbuffers::Offset<A6::TextEntry>> *v)
{
    TextPairs out;
    if (!v)
        return out;
    out.reserve(qsizetype(v->size()));
    for (const A6::TextEntry *e : *v) {
        TextPair p;
        p.name = toBytes(e->name());
        if (e->value())
            p.value = toBytes(e->value());
        out.append(std::move(p));
    }
    return out;
}

template<typename T>
const T *verified(QByteArrayView payload, QString *error, const char *what)
{
    if (payload.isEmpty()) {
        if (error)
            *error = QStringLiteral("empty %1 payload").arg(QLatin1String(what));
        return nullptr;
    }
    flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t *>(payload.data()), size_t(payload.size()));
    if (!verifier.VerifyBuffer<T>(nullptr)) {
        if (error)
            *error = QStringLiteral("%1 payload of %2 bytes failed FlatBuffers verification").arg(QLatin1String(what)).arg(payload.size());
        return nullptr;
    }
    return flatbuffers::GetRoot<T>(payload.data());
}

} // namespace

QString errCodeName(quint8 code)
{
    switch (code) {
    case 0: return QStringLiteral("BAD_REQUEST");
    case 1: return QStringLiteral("SERVICE_UNAVAILABLE");
    case 2: return QStringLiteral("CONF_TOKEN_NOT_FOUND");
    }
    return QStringLiteral("code %1").arg(code);
}

int methodCode(QByteArrayView method)
{
    static constexpr QByteArrayView names[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "MKCOL", "COPY", "MOVE",
                                        "OPTIONS", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK", "PATCH", "TRACE"};
    for (int i = 0; i < int(std::size(names)); ++i)
        if (method == names[i])
            return i;
    return -1;
}

QByteArray methodName(quint8 code)
{
    const char *name = A6::EnumNameMethod(A6::Method(code));
    return name && *name ? QByteArray(name) : QByteArray("METHOD_") + QByteArray::number(code);
}

namespace {

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
    const auto headers = entries(b, m.headers, NameCase::Lower);
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

QByteArray encode(const PrepareConfReq &m)
{
    Builder &b = scratch();
    build(b, m);
    return finish(b);
}

QByteArray encode(const PrepareConfResp &m)
{
    Builder &b = scratch();
    build(b, m);
    return finish(b);
}

QByteArray encode(const HttpReqCallReq &m)
{
    Builder &b = scratch();
    build(b, m);
    return finish(b);
}

QByteArray encode(const HttpReqCallResp &m)
{
    Builder &b = scratch();
    build(b, m);
    return finish(b);
}

QByteArray encode(const HttpRespCallReq &m)
{
    Builder &b = scratch();
    build(b, m);
    return finish(b);
}

QByteArray encode(const HttpRespCallResp &m)
{
    Builder &b = scratch();
    build(b, m);
    return finish(b);
}

QByteArray encode(const ExtraInfoReq &m)
{
    Builder &b = scratch();
    build(b, m);
    return finish(b);
}

QByteArray encode(const ExtraInfoResp &m)
{
    Builder &b = scratch();
    build(b, m);
    return finish(b);
}

QByteArray encode(const ErrResp &m)
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

template std::optional<QByteArray> encodeFrame(const PrepareConfReq &, QString *);
template std::optional<QByteArray> encodeFrame(const PrepareConfResp &, QString *);
template std::optional<QByteArray> encodeFrame(const HttpReqCallReq &, QString *);
template std::optional<QByteArray> encodeFrame(const HttpReqCallResp &, QString *);
template std::optional<QByteArray> encodeFrame(const HttpRespCallReq &, QString *);
template std::optional<QByteArray> encodeFrame(const HttpRespCallResp &, QString *);
template std::optional<QByteArray> encodeFrame(const ExtraInfoReq &, QString *);
template std::optional<QByteArray> encodeFrame(const ExtraInfoResp &, QString *);
template std::optional<QByteArray> encodeFrame(const ErrResp &, QString *);

std::optional<PrepareConfReq> decodePrepareConfReq(QByteArrayView payload, QString *error)
{
    const auto *r = verified<A6::PrepareConf::Req>(payload, error, "PrepareConf.Req");
    if (!r)
        return std::nullopt;
    return PrepareConfReq{toPairs(r->conf()), toBytes(r->key())};
}

std::optional<PrepareConfResp> decodePrepareConfResp(QByteArrayView payload, QString *error)
{
    const auto *r = verified<A6::PrepareConf::Resp>(payload, error, "PrepareConf.Resp");
    if (!r)
        return std::nullopt;
    return PrepareConfResp{r->conf_token()};
}

std::optional<HttpReqCallReq> decodeHttpReqCallReq(QByteArrayView payload, QString *error)
{
    const auto *r = verified<A6::HTTPReqCall::Req>(payload, error, "HTTPReqCall.Req");
    if (!r)
        return std::nullopt;
    HttpReqCallReq m;
    m.id = r->id();
    m.srcIp = toBytes(r->src_ip());
    m.method = quint8(r->method());
    m.path = toBytes(r->path());
    m.args = toPairs(r->args());
    m.headers = toPairs(r->headers());
    m.confToken = r->conf_token();
    return m;
}

std::optional<HttpReqCallResp> decodeHttpReqCallResp(QByteArrayView payload, QString *error)
{
    const auto *r = verified<A6::HTTPReqCall::Resp>(payload, error, "HTTPReqCall.Resp");
    if (!r)
        return std::nullopt;
    HttpReqCallResp m;
    m.id = r->id();
    if (const auto *stop = r->action_as_Stop()) {
        m.action = HttpReqCallResp::Action::Stop;
        m.stop.status = stop->status();
        m.stop.headers = toPairs(stop->headers());
        m.stop.body = toBytes(stop->body());
    } else if (const auto *rw = r->action_as_Rewrite()) {
        m.action = HttpReqCallResp::Action::Rewrite;
        if (rw->path())
            m.rewrite.path = toBytes(rw->path());
        m.rewrite.headers = toPairs(rw->headers());
        m.rewrite.args = toPairs(rw->args());
        m.rewrite.respHeaders = toPairs(rw->resp_headers());
        m.rewrite.body = toBytes(rw->body());
    } else if (r->action_type() != A6::HTTPReqCall::Action::NONE) {
        if (error)
            *error = QStringLiteral("HTTPReqCall.Resp has an unknown action type %1").arg(int(r->action_type()));
        return std::nullopt;
    }
    return m;
}

std::optional<HttpRespCallReq> decodeHttpRespCallReq(QByteArrayView payload, QString *error, Headers headers)
{
    const auto *r = verified<A6::HTTPRespCall::Req>(payload, error, "HTTPRespCall.Req");
    if (!r)
        return std::nullopt;
    return HttpRespCallReq{r->id(), r->status(), headers == Headers::Decode ? toFields(r->headers()) : HeaderFields(), r->conf_token()};
}

std::optional<HttpRespCallResp> decodeHttpRespCallResp(QByteArrayView payload, QString *error)
{
    const auto *r = verified<A6::HTTPRespCall::Resp>(payload, error, "HTTPRespCall.Resp");
    if (!r)
        return std::nullopt;
    return HttpRespCallResp{r->id(), r->status(), toPairs(r->headers()), toBytes(r->body())};
}

std::optional<ExtraInfoReq> decodeExtraInfoReq(QByteArrayView payload, QString *error)
{
    const auto *r = verified<A6::ExtraInfo::Req>(payload, error, "ExtraInfo.Req");
    if (!r)
        return std::nullopt;
    ExtraInfoReq m;
    if (const auto *var = r->info_as_Var()) {
        m.kind = ExtraInfoReq::Kind::Var;
        m.name = toBytes(var->name());
    } else if (r->info_as_ReqBody()) {
        m.kind = ExtraInfoReq::Kind::ReqBody;
    } else if (r->info_as_RespBody()) {
        m.kind = ExtraInfoReq::Kind::RespBody;
    } else {
        if (error)
            *error = QStringLiteral("ExtraInfo.Req asks for nothing known (info type %1)").arg(int(r->info_type()));
        return std::nullopt;
    }
    return m;
}

std::optional<ExtraInfoResp> decodeExtraInfoResp(QByteArrayView payload, QString *error)
{
    const auto *r = verified<A6::ExtraInfo::Resp>(payload, error, "ExtraInfo.Resp");
    if (!r)
        return std::nullopt;
    ExtraInfoResp m;
    if (r->result())
        m.result = toBytes(r->result());
    return m;
}

std::optional<ErrResp> decodeErrResp(QByteArrayView payload, QString *error)
{
    const auto *r = verified<A6::Err::Resp>(payload, error, "Err.Resp");
    if (!r)
        return std::nullopt;
    return ErrResp{quint8(r->code())};
}

namespace {
QString pairsText(const TextPairs &pairs)
{
    QStringList out;
    for (const TextPair &p : pairs)
        out << (p.value ? QString::fromUtf8(p.name + '=' + *p.value) : QString::fromUtf8(p.name) + QStringLiteral(" (absent)"));
    return out.join(QStringLiteral(", "));
}
} // namespace

QString summarize(quint8 type, bool fromRunner, QByteArrayView payload)
{
    QString error;
    switch (type) {
    case Frame::RpcError:
        if (const auto m = decodeErrResp(payload, &error))
            return QStringLiteral("Err.Resp code=%1").arg(errCodeName(m->code));
        break;
    case Frame::PrepareConf:
        if (!fromRunner) {
            if (const auto m = decodePrepareConfReq(payload, &error))
                return QStringLiteral("PrepareConf.Req key=%1 conf=[%2]").arg(QString::fromUtf8(m->key), pairsText(m->conf));
        } else if (const auto m = decodePrepareConfResp(payload, &error)) {
            return QStringLiteral("PrepareConf.Resp conf_token=%1").arg(m->confToken);
        }
        break;
    case Frame::HttpReqCall:
        if (!fromRunner) {
            if (const auto m = decodeHttpReqCallReq(payload, &error))
                return QStringLiteral("HTTPReqCall.Req id=%1 %2 %3 args=%4 headers=%5 conf_token=%6")
                    .arg(m->id).arg(QString::fromLatin1(methodName(m->method)), QString::fromUtf8(m->path))
                    .arg(m->args.size()).arg(m->headers.size()).arg(m->confToken);
        } else if (const auto m = decodeHttpReqCallResp(payload, &error)) {
            switch (m->action) {
            case HttpReqCallResp::Action::None: return QStringLiteral("HTTPReqCall.Resp id=%1 no action").arg(m->id);
            case HttpReqCallResp::Action::Stop:
                return QStringLiteral("HTTPReqCall.Resp id=%1 Stop status=%2 headers=[%3] body=%4B")
                    .arg(m->id).arg(m->stop.status).arg(pairsText(m->stop.headers)).arg(m->stop.body.size());
            case HttpReqCallResp::Action::Rewrite:
                return QStringLiteral("HTTPReqCall.Resp id=%1 Rewrite path=%2 headers=[%3] args=[%4] resp_headers=[%5] body=%6B")
                    .arg(m->id).arg(m->rewrite.path ? QString::fromUtf8(*m->rewrite.path) : QStringLiteral("(unchanged)"))
                    .arg(pairsText(m->rewrite.headers), pairsText(m->rewrite.args), pairsText(m->rewrite.respHeaders))
                    .arg(m->rewrite.body.size());
            }
        }
        break;
    case Frame::ExtraInfo:
        if (fromRunner) {
            if (const auto m = decodeExtraInfoReq(payload, &error)) {
                switch (m->kind) {
                case ExtraInfoReq::Kind::Var: return QStringLiteral("ExtraInfo.Req Var %1").arg(QString::fromUtf8(m->name));
                case ExtraInfoReq::Kind::ReqBody: return QStringLiteral("ExtraInfo.Req ReqBody");
                case ExtraInfoReq::Kind::RespBody: return QStringLiteral("ExtraInfo.Req RespBody");
                }
            }
        } else if (const auto m = decodeExtraInfoResp(payload, &error)) {
            return m->result ? QStringLiteral("ExtraInfo.Resp result=%1B").arg(m->result->size())
                             : QStringLiteral("ExtraInfo.Resp result absent");
        }
        break;
    case Frame::HttpRespCall:
        if (!fromRunner) {
            if (const auto m = decodeHttpRespCallReq(payload, &error))
                return QStringLiteral("HTTPRespCall.Req id=%1 status=%2 headers=%3 conf_token=%4")
                    .arg(m->id).arg(m->status).arg(m->headers.size()).arg(m->confToken);
        } else if (const auto m = decodeHttpRespCallResp(payload, &error)) {
            return QStringLiteral("HTTPRespCall.Resp id=%1 status=%2 headers=[%3] body=%4B")
                .arg(m->id).arg(m->status).arg(pairsText(m->headers)).arg(m->body.size());
        }
        break;
    default:
        return QStringLiteral("%1, %2 bytes").arg(Frame::typeName(type)).arg(payload.size());
    }
    return QStringLiteral("%1: %2").arg(Frame::typeName(type), error);
}

} // namespace Runner
