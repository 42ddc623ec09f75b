// The upstream response reader: the first byte says whether the request was HEAD and where the input is
// split in two reads; the rest is what the upstream sent, then it closes.
#include "responseparser.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray bytes(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const bool head = data[0] & 1;
    const qsizetype split = bytes.isEmpty() ? 0 : (data[0] >> 1) % (bytes.size() + 1);
    ResponseParser parser;
    qint64 bodyBytes = 0;
    int status = 0;
    parser.onHead = [&](HttpResponseHead &&h) { status = h.status; };
    parser.onBody = [&](const char *, qsizetype n) {
        if (n <= 0)
            std::abort();
        bodyBytes += n;
    };
    parser.reset(head);
    ResponseParser::Result result = ResponseParser::Result::NeedMore;
    QByteArray pending;
    for (const QByteArray &piece : {bytes.left(split), bytes.mid(split)}) {
        pending += piece;
        qsizetype consumed = 0;
        result = parser.feed(pending, &consumed);
        if (consumed < 0 || consumed > pending.size())
            std::abort();
        pending.remove(0, consumed);
        if (result != ResponseParser::Result::NeedMore)
            break;
    }
    if (result == ResponseParser::Result::NeedMore)
        result = parser.finish();
    if (result == ResponseParser::Result::Complete) {
        // No body for HEAD, 1xx, 204 or 304, whatever the upstream sent; never one for an interim answer.
        if ((head || status == 204 || status == 304) && bodyBytes != 0)
            std::abort();
        if (status < 200)
            std::abort();
    }
    return 0;
}
