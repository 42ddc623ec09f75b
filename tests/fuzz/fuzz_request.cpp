// The proxy's request parser: bytes in, whole requests or a refusal out. The first byte splits the input
// in two feeds, as a request arrives over several reads; its top bit also frees the parser's state between
// requests, as the proxy does while a connection is idle.
#include "requestparser.h"

#include <cstdint>
#include <cstdlib>
#include <cctype>
#include <cstdio>
#include <cstring>

namespace {
// What goes upstream is re-serialised from these: a name that is not a token, or a value holding a line
// break, would be request smuggling.
[[noreturn]] void refuse(const char *what, const QByteArray &name, const QByteArray &value)
{
    std::fprintf(stderr, "taken although %s: name \"%s\" value \"%s\"\n", what, name.toPercentEncoding().constData(),
                 value.toPercentEncoding().constData());
    std::abort();
}

void checkHeaders(const HttpHeaders &headers)
{
    static const char tchar[] = "!#$%&'*+-.^_`|~";
    for (const auto &[name, value] : headers.fields()) {
        if (name.isEmpty())
            refuse("the name is empty", name, value);
        for (char c : name)
            if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr(tchar, c))
                refuse("the name is not a token", name, value);
        if (value.contains('\r') || value.contains('\n') || value.contains('\0'))
            refuse("the value holds a line break or NUL", name, value);
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray bytes(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const qsizetype split = bytes.isEmpty() ? 0 : data[0] % (bytes.size() + 1);
    RequestParser parser(RequestLimits{4096, 65536});
    QByteArray pending;
    for (const QByteArray &piece : {bytes.left(split), bytes.mid(split)}) {
        pending += piece;
        for (;;) {
            qsizetype consumed = 0;
            const RequestParser::Result result = parser.feed(pending, &consumed);
            if (consumed < 0 || consumed > pending.size())
                std::abort();
            pending.remove(0, consumed);
            if (result == RequestParser::Result::Error) {
                const int status = parser.errorStatus();
                if (status < 400 || status > 599)
                    std::abort();
                return 0;
            }
            if (result == RequestParser::Result::NeedMore)
                break;
            const HttpRequest request = parser.takeRequest();
            parser.takeContinue();
            checkHeaders(request.headers);
            if (request.body.size() > 65536)
                std::abort(); // over the limit it is 413, never taken
            if (data[0] & 0x80)
                parser.releaseWhileIdle();
        }
    }
    return 0;
}
