// The gateway's side of the runner protocol: what a runner sends (any bytes) through the frame decoder,
// FlatBuffers verification and the replies' application to a request and to an upstream answer, as the
// pipeline applies them.
#include "frame.h"
#include "pipeline.h"
#include "runnermessages.h"

#include <cstdint>
#include <cstdlib>

namespace {
HttpRequest sampleRequest()
{
    HttpRequest r;
    r.method = "POST";
    r.target = "/index.html?a=1&b";
    r.path = "/index.html";
    r.query = "a=1&b";
    r.uri = r.path;
    r.headers.add("Host", "example.com");
    r.headers.add("Content-Type", "text/plain");
    r.body = "hello";
    return r;
}

ClientAnswer sampleAnswer()
{
    ClientAnswer a;
    a.status = 200;
    a.reason = "OK";
    a.headers.add("Content-Type", "text/html");
    a.headers.add("X-Upstream", "1");
    a.body = "<p>upstream</p>";
    return a;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ExtPluginConfig plugin;
    plugin.name = QStringLiteral("ext-plugin-pre-req");
    plugin.conf = {{"ext-plugin-A", QByteArray("{}")}};
    FrameDecoder decoder;
    decoder.feed(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    while (std::optional<DecodedFrame> frame = decoder.next()) {
        Runner::summarize(frame->type, true, frame->payload);
        QString error;
        PluginCallOutcome outcome{true, frame->payload, {}};
        switch (frame->type) {
        case Frame::HttpReqCall: {
            HttpRequest upstream = sampleRequest();
            Pipeline::RequestEffects effects;
            Pipeline::afterRequestPlugin(plugin, outcome, upstream, effects, frame->payload.size() % 2);
            break;
        }
        case Frame::HttpRespCall: {
            bool modified = false;
            QStringList notes;
            Pipeline::afterResponsePlugin(plugin, outcome, sampleAnswer(), true, &modified, &notes);
            break;
        }
        case Frame::PrepareConf:
            Runner::decodePrepareConfResp(frame->payload, &error);
            break;
        case Frame::ExtraInfo:
            Runner::decodeExtraInfoReq(frame->payload, &error);
            break;
        case Frame::RpcError:
            Runner::decodeErrResp(frame->payload, &error);
            break;
        default:
            break;
        }
    }
    decoder.headerError();
    return 0;
}
