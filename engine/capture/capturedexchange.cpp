#include "capturedexchange.h"

qint64 ExchangeTimings::runnerNs() const
{
    qint64 sum = 0;
    bool any = false;
    for (qint64 v : {preReqNs, postReqNs, postRespNs}) {
        if (v >= 0) {
            sum += v;
            any = true;
        }
    }
    return any ? sum : -1;
}

namespace {
// What the heap really holds, allocation headers included (measured with tests/bench/inspector_load.sh:
// resident memory per kept exchange against this estimate).
qint64 messageBytes(const CapturedMessage &m)
{
    qint64 n = m.method.size() + m.target.size() + m.reason.size() + m.body.size() + 256;
    for (const auto &[k, v] : m.headers.fields())
        n += k.size() + v.size() + 128;
    return n;
}
} // namespace

qint64 CapturedExchange::memoryBytes() const
{
    qint64 n = 2048 + routingPath.size() + messageBytes(clientRequest) + messageBytes(upstreamRequest) + messageBytes(upstreamResponse)
        + messageBytes(clientResponse);
    for (const RunnerFrameRecord &f : frames)
        n += f.payload.size() + 192;
    for (const QString &s : notes)
        n += s.size() * 2 + 32;
    return n;
}
