#include "runnermessages.h"

#include "a6_generated.h"
#include "frame.h"
#include "lenientverify.h"

#include <flatbuffers/flatbuffers.h>

namespace Runner {
namespace {

QByteArray toBytes(const flatbuffers::String *s)
{
    return s ? QByteArray(s->c_str(), qsizetype(s->size())) : QByteArray(); // by length: no terminator is read
}

QByteArray toBytes(const flatbuffers::Vector<uint8_t> *v)
{
    return v ? QByteArray(reinterpret_cast<const char *>(v->data()), qsizetype(v->size())) : QByteArray();
}

// A body `v` inside `payload`, as `payload` itself when it is large: the bytes before and after it dropped
// in place (no second buffer of its size); a small one is copied. Last, as it changes `payload`.
QByteArray takeBytes(QByteArray &payload, const flatbuffers::Vector<uint8_t> *v)
{
    constexpr qsizetype kTakeFrom = 64 * 1024;
    if (!v || qsizetype(v->size()) < kTakeFrom)
        return toBytes(v);
    const qsizetype at = reinterpret_cast<const char *>(v->data()) - payload.constData();
    payload.truncate(at + qsizetype(v->size()));
    payload.remove(0, at);
    return std::move(payload);
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

// `lenient`, for the runner's replies: a second check as APISIX reads them (lenientverify.h).
template<typename T>
const T *verified(QByteArrayView payload, QString *error, const char *what, bool (*lenient)(QByteArrayView) = nullptr)
{
    if (payload.isEmpty()) {
        if (error)
            *error = QStringLiteral("empty %1 payload").arg(QLatin1String(what));
        return nullptr;
    }
    flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t *>(payload.data()), size_t(payload.size()));
    if (!verifier.VerifyBuffer<T>(nullptr) && !(lenient && lenient(payload))) {
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

namespace {
// HTTPReqCall.Resp with its body taken by `body` (a copy, or the payload itself).
template <typename TakeBody>
std::optional<HttpReqCallResp> readHttpReqCallResp(QByteArrayView payload, QString *error, TakeBody body)
{
    const auto *r = verified<A6::HTTPReqCall::Resp>(payload, error, "HTTPReqCall.Resp", &Lenient::httpReqCallResp);
    if (!r)
        return std::nullopt;
    HttpReqCallResp m;
    m.id = r->id();
    if (const auto *stop = r->action_as_Stop()) {
        m.action = HttpReqCallResp::Action::Stop;
        m.stop.status = stop->status();
        m.stop.headers = toPairs(stop->headers());
        m.stop.body = body(stop->body());
    } else if (const auto *rw = r->action_as_Rewrite()) {
        m.action = HttpReqCallResp::Action::Rewrite;
        if (rw->path())
            m.rewrite.path = toBytes(rw->path());
        m.rewrite.headers = toPairs(rw->headers());
        m.rewrite.args = toPairs(rw->args());
        m.rewrite.respHeaders = toPairs(rw->resp_headers());
        m.rewrite.body = body(rw->body());
    } else if (r->action_type() != A6::HTTPReqCall::Action::NONE) {
        if (error)
            *error = QStringLiteral("HTTPReqCall.Resp has an unknown action type %1").arg(int(r->action_type()));
        return std::nullopt;
    }
    return m;
}

template <typename TakeBody>
std::optional<HttpRespCallResp> readHttpRespCallResp(QByteArrayView payload, QString *error, TakeBody body)
{
    const auto *r = verified<A6::HTTPRespCall::Resp>(payload, error, "HTTPRespCall.Resp", &Lenient::httpRespCallResp);
    if (!r)
        return std::nullopt;
    HttpRespCallResp m{r->id(), r->status(), toPairs(r->headers()), {}};
    m.body = body(r->body());
    return m;
}

const auto copyBody = [](const flatbuffers::Vector<uint8_t> *v) { return toBytes(v); };
} // namespace

std::optional<HttpReqCallResp> decodeHttpReqCallResp(QByteArrayView payload, QString *error)
{
    return readHttpReqCallResp(payload, error, copyBody);
}

std::optional<HttpReqCallResp> decodeHttpReqCallResp(QByteArray &&payload, QString *error)
{
    return readHttpReqCallResp(payload, error, [&payload](const flatbuffers::Vector<uint8_t> *v) { return takeBytes(payload, v); });
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
    return readHttpRespCallResp(payload, error, copyBody);
}

std::optional<HttpRespCallResp> decodeHttpRespCallResp(QByteArray &&payload, QString *error)
{
    return readHttpRespCallResp(payload, error, [&payload](const flatbuffers::Vector<uint8_t> *v) { return takeBytes(payload, v); });
}

std::optional<ExtraInfoReq> decodeExtraInfoReq(QByteArrayView payload, QString *error)
{
    const auto *r = verified<A6::ExtraInfo::Req>(payload, error, "ExtraInfo.Req", &Lenient::extraInfoReq);
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
