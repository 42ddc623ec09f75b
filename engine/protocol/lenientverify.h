#pragma once

#include <QByteArrayView>

// The runner's replies verified as APISIX's Lua reader reads them: a string is read by its length, so its
// bytes must lie inside the buffer but need no terminating NUL. apache/apisix-python-plugin-runner writes
// strings with CreateByteVector, which has no terminator when the length is a multiple of 4, and the
// standard FlatBuffers Verifier refuses those buffers. Everything else is checked as the Verifier does
// (tables, vtables, offsets, vectors and unions within the buffer); nothing is ever read past it.
// Used only after the standard verification failed.
namespace Runner::Lenient {
bool httpReqCallResp(QByteArrayView payload);
bool httpRespCallResp(QByteArrayView payload);
bool extraInfoReq(QByteArrayView payload);
} // namespace Runner::Lenient
