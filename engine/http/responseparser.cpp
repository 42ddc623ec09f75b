#include "responseparser.h"

#include <llhttp.h>

namespace {
ResponseParser *self(llhttp_t *p) { return static_cast<ResponseParser *>(p->data); }
} // namespace

ResponseParser::ResponseParser()
    : m_parser(std::make_unique<llhttp_t>())
{
    static const llhttp_settings_t settings = [] {
        llhttp_settings_t s;
        llhttp_settings_init(&s);
        s.on_status = &ResponseParser::onStatus;
        s.on_header_field = &ResponseParser::onHeaderField;
        s.on_header_value = &ResponseParser::onHeaderValue;
        s.on_headers_complete = &ResponseParser::onHeadersComplete;
        s.on_body = &ResponseParser::onBodyData;
        s.on_message_complete = &ResponseParser::onMessageComplete;
        return s;
    }();
    llhttp_init(m_parser.get(), HTTP_RESPONSE, &settings);
    m_parser->data = this;
    reset(false);
}

ResponseParser::~ResponseParser() = default;

void ResponseParser::reset(bool requestWasHead)
{
    llhttp_reset(m_parser.get());
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

ResponseParser::Result ResponseParser::failWith(QByteArray text)
{
    if (m_errorText.isEmpty())
        m_errorText = std::move(text);
    return Result::Error;
}

ResponseParser::Result ResponseParser::feed(QByteArrayView data, qsizetype *consumed)
{
    *consumed = 0;
    if (!m_errorText.isEmpty())
        return Result::Error;
    if (m_complete)
        return Result::Complete;
    if (data.isNull())
        data = QByteArrayView("", 0); // llhttp adds the length to the pointer: never to a null one
    const llhttp_errno_t err = llhttp_execute(m_parser.get(), data.data(), size_t(data.size()));
    if (err == HPE_OK) {
        *consumed = data.size();
        return Result::NeedMore;
    }
    const char *at = llhttp_get_error_pos(m_parser.get());
    *consumed = at ? qsizetype(at - data.data()) : 0;
    if (err == HPE_PAUSED && m_complete)
        return Result::Complete; // left paused: nothing more is parsed until reset()
    return failWith(QByteArray("malformed upstream response: ") + llhttp_get_error_reason(m_parser.get()));
}

ResponseParser::Result ResponseParser::finish()
{
    if (m_complete)
        return Result::Complete;
    if (!m_errorText.isEmpty())
        return Result::Error;
    const llhttp_errno_t err = llhttp_finish(m_parser.get());
    if (m_complete) // an until-close body ends here
        return Result::Complete;
    if (err != HPE_OK && err != HPE_PAUSED && m_headComplete)
        return failWith("upstream closed the connection before the end of the body");
    return failWith(m_headComplete ? "upstream closed the connection before the end of the body"
                                   : "upstream closed the connection before sending a response");
}

int ResponseParser::onStatus(llhttp_t *p, const char *at, size_t len)
{
    QByteArray &reason = self(p)->m_head.reason;
    const QByteArrayView text(at, qsizetype(len));
    if (reason.isEmpty()) { // the standard phrase is shared, not copied
        if (const QByteArray standard = reasonPhrase(int(p->status_code)); text == standard) {
            reason = standard;
            return 0;
        }
    }
    reason.append(text);
    return 0;
}

int ResponseParser::onHeaderField(llhttp_t *p, const char *at, size_t len)
{
    auto *s = self(p);
    auto &fields = s->m_head.headers.fields();
    if (fields.isEmpty())
        fields.reserve(16); // one allocation for the usual number of headers
    if (fields.isEmpty() || s->m_lastWasValue) // a new field (else the name goes on after a read boundary)
        fields.append(HttpHeaders::Field{sharedHeaderName(QByteArrayView(at, qsizetype(len))), QByteArray()});
    else
        fields.last().first.append(at, qsizetype(len));
    s->m_lastWasValue = false;
    return 0;
}

int ResponseParser::onHeaderValue(llhttp_t *p, const char *at, size_t len)
{
    auto *s = self(p);
    auto &fields = s->m_head.headers.fields();
    if (fields.isEmpty())
        return -1;
    if (fields.last().first.isEmpty()) { // ":value", which llhttp lets through (found by fuzz_response)
        s->m_errorText = "the upstream sent a header line without a name";
        return -1;
    }
    fields.last().second.append(at, qsizetype(len));
    s->m_lastWasValue = true;
    return 0;
}

int ResponseParser::onHeadersComplete(llhttp_t *p)
{
    auto *s = self(p);
    s->m_head.status = int(p->status_code);
    s->m_head.versionMajor = p->http_major;
    s->m_head.versionMinor = p->http_minor;
    const int status = s->m_head.status;
    if (status < 100 || status > 999) {
        // llhttp takes "HTTP/1.1 21 …" (found by fuzz_response); nginx wants three digits: the answer is invalid.
        s->m_errorText = "the upstream sent an invalid status code " + QByteArray::number(status);
        return -1;
    }
    if (status == 101) {
        // We never ask for an upgrade (Upgrade is hop-by-hop and not passed on), so this is not an answer we
        // can relay: WebSocket and other upgraded connections are not supported.
        s->m_errorText = "the upstream answered 101 Switching Protocols; RouteScope does not relay upgraded "
                         "connections (WebSocket)";
        return -1;
    }
    if (status >= 100 && status < 200) {
        // An interim response (100 Continue, 103 Early Hints): not the answer; the final one follows.
        s->m_interim = true;
        return 1;
    }
    s->m_headComplete = true;
    const bool noBody = s->m_requestWasHead || status == 204 || status == 304;
    const bool hasLength = (p->flags & F_CONTENT_LENGTH) != 0;
    if (noBody)
        s->m_framing = BodyFraming::None;
    else if (p->flags & F_CHUNKED)
        s->m_framing = BodyFraming::Chunked;
    else if (hasLength)
        s->m_framing = p->content_length == 0 ? BodyFraming::None : BodyFraming::Length;
    else
        s->m_framing = BodyFraming::UntilClose;
    if (hasLength)
        s->m_contentLength = qint64(p->content_length);
    s->m_keepAlive = llhttp_should_keep_alive(p) != 0 && s->m_framing != BodyFraming::UntilClose;
    if (s->onHead)
        s->onHead(std::move(s->m_head));
    // 1 tells llhttp there is no body: a 204 or 304 has none whatever its Content-Length says.
    return noBody ? 1 : 0;
}

int ResponseParser::onBodyData(llhttp_t *p, const char *at, size_t len)
{
    auto *s = self(p);
    // llhttp may hand over an empty piece (found by fuzz_response); relayed chunked, an empty chunk would
    // read as the body's end.
    if (s->onBody && len > 0)
        s->onBody(at, qsizetype(len));
    return 0;
}

int ResponseParser::onMessageComplete(llhttp_t *p)
{
    auto *s = self(p);
    if (s->m_interim) { // read on: the next head is the final response
        s->m_interim = false;
        s->m_head = HttpResponseHead{};
        s->m_lastWasValue = false;
        return 0;
    }
    s->m_complete = true;
    s->m_keepAlive = s->m_keepAlive && llhttp_should_keep_alive(p) != 0;
    return HPE_PAUSED;
}
