#include "lenientverify.h"

#include "a6_generated.h"

#include <flatbuffers/flatbuffers.h>

namespace Runner::Lenient {
namespace {
using flatbuffers::Offset;
using flatbuffers::soffset_t; // for FLATBUFFERS_MIN_BUFFER_SIZE
using flatbuffers::Table;
using flatbuffers::uoffset_t;
using flatbuffers::Vector;
using flatbuffers::Verifier;
using flatbuffers::voffset_t;

// A string or a byte vector: its length and bytes inside the buffer, no terminator needed.
bool bytes(Verifier &v, const Table *t, voffset_t field)
{
    return t->VerifyOffset(v, field) && v.VerifyVector(t->GetPointer<const Vector<uint8_t> *>(field));
}

// [A6.TextEntry]: a vector of tables of two strings each.
bool entries(Verifier &v, const Table *t, voffset_t field)
{
    if (!t->VerifyOffset(v, field))
        return false;
    const auto *vector = t->GetPointer<const Vector<Offset<Table>> *>(field);
    if (!v.VerifyVector(vector))
        return false;
    if (!vector)
        return true;
    for (uoffset_t i = 0; i < vector->size(); ++i) {
        const Table *e = vector->Get(i);
        if (!(e->VerifyTableStart(v) && bytes(v, e, A6::TextEntry::VT_NAME) && bytes(v, e, A6::TextEntry::VT_VALUE)
              && v.EndTable()))
            return false;
    }
    return true;
}

template<typename Check>
bool root(QByteArrayView payload, Check check)
{
    if (size_t(payload.size()) < FLATBUFFERS_MIN_BUFFER_SIZE)
        return false;
    const auto *data = reinterpret_cast<const uint8_t *>(payload.data());
    Verifier v(data, size_t(payload.size()));
    const uoffset_t at = v.VerifyOffset(0);
    return at && check(v, reinterpret_cast<const Table *>(data + at));
}

// A union member: its type field, its offset, and the member table checked by `member`.
template<typename Member>
bool unionField(Verifier &v, const Table *t, voffset_t typeField, voffset_t field, Member member)
{
    if (!(t->VerifyField<uint8_t>(v, typeField, 1) && t->VerifyOffset(v, field)))
        return false;
    const Table *m = t->GetPointer<const Table *>(field);
    return !m || member(t->GetField<uint8_t>(typeField, 0), m);
}
} // namespace

bool httpReqCallResp(QByteArrayView payload)
{
    using A6::HTTPReqCall::Resp;
    using A6::HTTPReqCall::Rewrite;
    using A6::HTTPReqCall::Stop;
    return root(payload, [](Verifier &v, const Table *t) {
        return t->VerifyTableStart(v) && t->VerifyField<uint32_t>(v, Resp::VT_ID, 4)
            && unionField(v, t, Resp::VT_ACTION_TYPE, Resp::VT_ACTION, [&v](uint8_t type, const Table *a) {
                   if (type == uint8_t(A6::HTTPReqCall::Action::Stop))
                       return a->VerifyTableStart(v) && a->VerifyField<uint16_t>(v, Stop::VT_STATUS, 2)
                           && entries(v, a, Stop::VT_HEADERS) && bytes(v, a, Stop::VT_BODY) && v.EndTable();
                   if (type == uint8_t(A6::HTTPReqCall::Action::Rewrite))
                       return a->VerifyTableStart(v) && bytes(v, a, Rewrite::VT_PATH) && entries(v, a, Rewrite::VT_HEADERS)
                           && entries(v, a, Rewrite::VT_ARGS) && entries(v, a, Rewrite::VT_RESP_HEADERS)
                           && bytes(v, a, Rewrite::VT_BODY) && v.EndTable();
                   return true; // an unknown action is not read (as the generated code has it)
               })
            && v.EndTable();
    });
}

bool httpRespCallResp(QByteArrayView payload)
{
    using A6::HTTPRespCall::Resp;
    return root(payload, [](Verifier &v, const Table *t) {
        return t->VerifyTableStart(v) && t->VerifyField<uint32_t>(v, Resp::VT_ID, 4)
            && t->VerifyField<uint16_t>(v, Resp::VT_STATUS, 2) && entries(v, t, Resp::VT_HEADERS)
            && bytes(v, t, Resp::VT_BODY) && v.EndTable();
    });
}

bool extraInfoReq(QByteArrayView payload)
{
    using A6::ExtraInfo::Req;
    return root(payload, [](Verifier &v, const Table *t) {
        return t->VerifyTableStart(v)
            && unionField(v, t, Req::VT_INFO_TYPE, Req::VT_INFO, [&v](uint8_t type, const Table *info) {
                   if (!info->VerifyTableStart(v))
                       return false;
                   if (type == uint8_t(A6::ExtraInfo::Info::Var) && !bytes(v, info, A6::ExtraInfo::Var::VT_NAME))
                       return false;
                   return v.EndTable();
               })
            && v.EndTable();
    });
}
} // namespace Runner::Lenient
