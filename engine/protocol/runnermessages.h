#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

// The runner protocol's messages as plain values, with encoders and verifying decoders for both sides
// (the gateway in the engine, the runner in routescope-demo-runner and in tests). Payloads are bare
// FlatBuffers; framing is in frame.h.

// A name/value pair whose value may be absent (not the same as empty: absent deletes in rewrites and
// means "key without =" in query args).
struct TextPair
{
    QByteArray name;
    std::optional<QByteArray> value;
    bool operator==(const TextPair &) const = default;
};
using TextPairs = QList<TextPair>;
// Name/value pairs whose value is always there, as HttpHeaders keeps them (shared, not copied, when a
// call is built from them).
using HeaderFields = QList<std::pair<QByteArray, QByteArray>>;

namespace Runner {

enum class ErrCode : quint8 { BadRequest = 0, ServiceUnavailable = 1, ConfTokenNotFound = 2 };
QString errCodeName(quint8 code);

// Method enum of the protocol; -1 for a method it cannot express (PURGE and the like).
int methodCode(QByteArrayView method);
QByteArray methodName(quint8 code);

struct PrepareConfReq
{
    TextPairs conf;
    QByteArray key;
};
struct PrepareConfResp
{
    quint32 confToken = 0;
};
struct HttpReqCallReq
{
    quint32 id = 0;
    QByteArray srcIp; // 4 or 16 bytes
    quint8 method = 0;
    QByteArray path;
    TextPairs args;
    TextPairs headers; // names go out lower-cased, as APISIX sends them
    quint32 confToken = 0;
};
struct Stop
{
    quint16 status = 0;
    TextPairs headers;
    QByteArray body;
};
struct Rewrite
{
    std::optional<QByteArray> path;
    TextPairs headers;
    TextPairs args;
    TextPairs respHeaders;
    QByteArray body;
};
struct HttpReqCallResp
{
    enum class Action { None, Stop, Rewrite };
    quint32 id = 0;
    Action action = Action::None;
    Stop stop;
    Rewrite rewrite;
};
struct HttpRespCallReq
{
    quint32 id = 0;
    quint16 status = 0;
    HeaderFields headers; // names go out lower-cased, as APISIX sends them
    quint32 confToken = 0;
};
struct HttpRespCallResp
{
    quint32 id = 0;
    quint16 status = 0;
    TextPairs headers;
    QByteArray body;
};
struct ExtraInfoReq
{
    enum class Kind { Var, ReqBody, RespBody };
    Kind kind = Kind::Var;
    QByteArray name; // for Var
};
struct ExtraInfoResp
{
    std::optional<QByteArray> result;
};
struct ErrResp
{
    quint8 code = 0;
};

// Encoders for each message above (runnerencode.cpp): the bare payload, and the whole frame
// ([type][u24 length][payload], the type implied by the message) built in one pass; nullopt, and why in
// `error`, when the payload exceeds the protocol's 16 MiB - 1.
template<typename Message>
QByteArray encode(const Message &m);
template<typename Message>
std::optional<QByteArray> encodeFrame(const Message &m, QString *error = nullptr);
// ExtraInfo.Resp as a frame in two parts: `head`, then the result's own bytes as `tail`, unchanged, so a
// large body goes to the runner by reference and is never copied into a frame (tail is empty for a small one).
struct FrameParts
{
    QByteArray head;
    QByteArray tail;
};
std::optional<FrameParts> encodeFrameParts(const ExtraInfoResp &m, QString *error = nullptr);

// Each verifies the buffer first; on failure it returns nullopt and says why in `error`.
std::optional<PrepareConfReq> decodePrepareConfReq(QByteArrayView payload, QString *error);
std::optional<PrepareConfResp> decodePrepareConfResp(QByteArrayView payload, QString *error);
std::optional<HttpReqCallReq> decodeHttpReqCallReq(QByteArrayView payload, QString *error);
std::optional<HttpReqCallResp> decodeHttpReqCallResp(QByteArrayView payload, QString *error);
// The same, the payload given up: a large body becomes the payload's own buffer, its bytes never held twice.
std::optional<HttpReqCallResp> decodeHttpReqCallResp(QByteArray &&payload, QString *error);
// A runner whose plugins never look at the upstream's headers may skip copying them out.
enum class Headers { Decode, Skip };
std::optional<HttpRespCallReq> decodeHttpRespCallReq(QByteArrayView payload, QString *error, Headers headers = Headers::Decode);
std::optional<HttpRespCallResp> decodeHttpRespCallResp(QByteArrayView payload, QString *error);
std::optional<HttpRespCallResp> decodeHttpRespCallResp(QByteArray &&payload, QString *error);
std::optional<ExtraInfoReq> decodeExtraInfoReq(QByteArrayView payload, QString *error);
std::optional<ExtraInfoResp> decodeExtraInfoResp(QByteArrayView payload, QString *error);
std::optional<ErrResp> decodeErrResp(QByteArrayView payload, QString *error);

// One line for the inspector and logs, e.g. `HTTPRespCall.Resp id=3 status=0 headers=2 body=12B`.
QString summarize(quint8 frameType, bool fromRunner, QByteArrayView payload);

} // namespace Runner
