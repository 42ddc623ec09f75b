#include "responseparser.h"

namespace {
ResponseParser *self(http_parser *p) { return static_cast<ResponseParser *>(p->data); }
} // namespace

ResponseParser::ResponseParser()
{
    reset(false);
}

void ResponseParser::reset(bool requestWasHead)
{
    http_parser_init(&m_parser, HTTP_RESPONSE);
    m_parser.data = this;
    m_head = HttpResponseHead{};
    m_requestWasHead = requestWasHead;
    m_lastWasValue = false;
    m_headComplete = false;
    m_interim = false;
    m_complete = false;
    m_keepAlive = false;
    m_framing = BodyFraming::None;
    m_contentLength = -1;
    m_errorText.clear();
}

ResponseParser::Result ResponseParser::feed(QByteArrayView data, qsizetype *consumed)
{
    if (!m_errorText.isEmpty())
        return Result::Error;
    const size_t n = http_parser_execute(&m_parser, &callbacks(), data.data(), size_t(data.size()));
    return afterExecute(n, size_t(data.size()), consumed);
}

ResponseParser::Result ResponseParser::finish()
{
    if (m_complete)
        return Result::Complete;
    qsizetype consumed = 0;
    http_parser_execute(&m_parser, &callbacks(), nullptr, 0);
    const Result r = afterExecute(0, 0, &consumed);
    if (r == Result::NeedMore) {
        m_errorText = m_headComplete ? "upstream closed the connection before the end of the body"
                                     : "upstream closed the connection before sending a response";
        return Result::Error;
    }
    return r;
}

ResponseParser::Result ResponseParser::afterExecute(size_t n, size_t expected, qsizetype *consumed)
{
    *consumed = qsizetype(n);
    const auto err = HTTP_PARSER_ERRNO(&m_parser);
    if (m_complete && (err == HPE_OK || err == HPE_PAUSED)) {
        http_parser_pause(&m_parser, 0);
        return Result::Complete;
    }
    if (err != HPE_OK || n != expected) {
        if (m_errorText.isEmpty())
            m_errorText = QByteArray("malformed upstream response: ") + http_errno_description(err);
        return Result::Error;
    }
    return Result::NeedMore;
}

int ResponseParser::onStatus(http_parser *p, const char *at, size_t len)
{
    self(p)->m_head.reason.append(at, qsizetype(len));
    return 0;
}

int ResponseParser::onHeaderField(http_parser *p, const char *at, size_t len)
{
    auto *s = self(p);
    auto &fields = s->m_head.headers.fields();
    if (fields.isEmpty())
        fields.reserve(16); // one allocation for the usual number of headers
    if (fields.isEmpty() || s->m_lastWasValue)
        fields.append(HttpHeaders::Field{});
    fields.last().first.append(at, qsizetype(len));
    s->m_lastWasValue = false;
    return 0;
}

int ResponseParser::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    auto *s = self(p);
    auto &fields = s->m_head.headers.fields();
    if (fields.isEmpty())
        return 1;
    fields.last().second.append(at, qsizetype(len));
    s->m_lastWasValue = true;
    return 0;
}

int ResponseParser::onHeadersComplete(http_parser *p)
{
    auto *s = self(p);
    s->m_head.status = int(p->status_code);
    s->m_head.versionMajor = p->http_major;
    s->m_head.versionMinor = p->http_minor;
    const int status = s->m_head.status;
    if (status >= 100 && status < 200 && status != 101) {
        // An interim response (100 Continue, 103 Early Hints): not the answer; the final one follows.
        s->m_interim = true;
        return 1;
    }
    s->m_headComplete = true;
    const bool noBody = s->m_requestWasHead || status == 204 || status == 304 || (status >= 100 && status < 200);
    if (noBody)
        s->m_framing = BodyFraming::None;
    else if (p->flags & F_CHUNKED)
        s->m_framing = BodyFraming::Chunked;
    else if (p->content_length != ULLONG_MAX) {
        s->m_framing = p->content_length == 0 ? BodyFraming::None : BodyFraming::Length;
        s->m_contentLength = qint64(p->content_length);
    } else
        s->m_framing = BodyFraming::UntilClose;
    if (s->m_head.headers.contains("content-length"))
        s->m_contentLength = qint64(p->content_length);
    s->m_keepAlive = http_should_keep_alive(p) != 0 && s->m_framing != BodyFraming::UntilClose;
    if (s->onHead)
        s->onHead(std::move(s->m_head));
    // 1 tells http_parser there is no body: a 204 or 304 has none whatever its Content-Length says.
    return noBody ? 1 : 0;
}

int ResponseParser::onBodyData(http_parser *p, const char *at, size_t len)
{
    auto *s = self(p);
    if (s->onBody)
        s->onBody(at, qsizetype(len));
    return 0;
}

int ResponseParser::onMessageComplete(http_parser *p)
{
    auto *s = self(p);
    if (s->m_interim) { // read on: the next head is the final response
        s->m_interim = false;
        s->m_head = HttpResponseHead{};
        s->m_lastWasValue = false;
        return 0;
    }
    s->m_complete = true;
    s->m_keepAlive = s->m_keepAlive && http_should_keep_alive(p) != 0;
    http_parser_pause(p, 1);
    return 0;
}

const http_parser_settings &ResponseParser::callbacks()
{
    static const http_parser_settings s = [] {
        http_parser_settings v{};
        v.on_status = &ResponseParser::onStatus;
        v.on_header_field = &ResponseParser::onHeaderField;
        v.on_header_value = &ResponseParser::onHeaderValue;
        v.on_headers_complete = &ResponseParser::onHeadersComplete;
        v.on_body = &ResponseParser::onBodyData;
        v.on_message_complete = &ResponseParser::onMessageComplete;
        return v;
    }();
    return s;
}
