// The runner's side (routescope-demo-runner): what a gateway sends, decoded and verified, run through
// the demo plugins (PrepareConf's conf, then a request and a response call against it).
#include "demoplugins.h"
#include "frame.h"
#include "runnermessages.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FrameDecoder decoder;
    decoder.feed(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    DemoPlugins::Conf conf = DemoPlugins::prepare({{"ext-plugin-A", QByteArray("{}")}});
    DemoPlugins::Answers answers;
    answers.insert("reqbody", QByteArray("body"));
    answers.insert("respbody", std::nullopt);
    while (std::optional<DecodedFrame> frame = decoder.next()) {
        Runner::summarize(frame->type, false, frame->payload);
        QString error;
        switch (frame->type) {
        case Frame::PrepareConf:
            if (auto req = Runner::decodePrepareConfReq(frame->payload, &error))
                conf = DemoPlugins::prepare(req->conf);
            break;
        case Frame::HttpReqCall:
            if (auto req = Runner::decodeHttpReqCallReq(frame->payload, &error))
                Runner::encode(DemoPlugins::runRequest(conf, *req, answers));
            break;
        case Frame::HttpRespCall:
            if (auto req = Runner::decodeHttpRespCallReq(frame->payload, &error))
                Runner::encode(DemoPlugins::runResponse(conf, *req, answers));
            break;
        case Frame::ExtraInfo:
            Runner::decodeExtraInfoResp(frame->payload, &error);
            break;
        default:
            break;
        }
    }
    return 0;
}
