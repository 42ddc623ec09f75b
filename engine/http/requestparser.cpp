#include "requestparser.h"

namespace {
RequestParser *self(http_parser *p) { return static_cast<RequestParser *>(p->data); }
} // namespace

RequestParser::RequestParser(Limits limits)
    : m_limits(limits)
{
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
}

RequestParser::Result RequestParser::feed(QByteArrayView data, qsizetype *consumed)
{
    static const http_parser_settings callbacks = [] {
        http_parser_settings s{};
        s.on_message_begin = &RequestParser::onMessageBegin;
        s.on_url = &RequestParser::onUrl;
        s.on_header_field = &RequestParser::onHeaderField;
        s.on_header_value = &RequestParser::onHeaderValue;
        s.on_headers_complete = &RequestParser::onHeadersComplete;
        s.on_body = &RequestParser::onBody;
        s.on_message_complete = &RequestParser::onMessageComplete;
        return s;
    }();
    *consumed = 0;
    if (m_errorStatus)
        return Result::Error;
    m_complete = false;
    const size_t n = http_parser_execute(&m_parser, &callbacks, data.data(), size_t(data.size()));
    *consumed = qsizetype(n);
    const auto err = HTTP_PARSER_ERRNO(&m_parser);
    if (m_complete && (err == HPE_OK || err == HPE_PAUSED)) {
        http_parser_pause(&m_parser, 0);
        return Result::Complete;
    }
    if (err != HPE_OK) {
        if (!m_errorStatus) {
            if (err == HPE_HEADER_OVERFLOW)
                fail(431, "request headers too large");
            else
                fail(400, QByteArray("malformed request: ") + http_errno_description(err));
        }
        return Result::Error;
    }
    return Result::NeedMore;
}

void RequestParser::fail(int status, QByteArray text)
{
    if (!m_errorStatus) {
        m_errorStatus = status;
        m_errorText = std::move(text);
    }
}

bool RequestParser::countHeaderBytes(size_t len)
{
    m_headerBytes += qsizetype(len);
    if (m_headerBytes > m_limits.maxHeaderBytes) {
        fail(431, "request headers too large");
        return false;
    }
    return true;
}

int RequestParser::onMessageBegin(http_parser *p)
{
    auto *s = self(p);
    s->m_request = HttpRequest{};
    s->m_headerBytes = 0;
    s->m_lastWasValue = false;
    s->m_inMessage = true;
    return 0;
}

int RequestParser::onUrl(http_parser *p, const char *at, size_t len)
{
    auto *s = self(p);
    s->m_request.target.append(at, qsizetype(len));
    return s->countHeaderBytes(len) ? 0 : 1;
}

int RequestParser::onHeaderField(http_parser *p, const char *at, size_t len)
{
    auto *s = self(p);
    auto &fields = s->m_request.headers.fields();
    if (fields.isEmpty())
        fields.reserve(16); // one allocation for the usual number of headers
    if (fields.isEmpty() || s->m_lastWasValue)
        fields.append(HttpHeaders::Field{});
    fields.last().first.append(at, qsizetype(len));
    s->m_lastWasValue = false;
    return s->countHeaderBytes(len) ? 0 : 1;
}

int RequestParser::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    auto *s = self(p);
    auto &fields = s->m_request.headers.fields();
    if (fields.isEmpty())
        return 1;
    fields.last().second.append(at, qsizetype(len));
    s->m_lastWasValue = true;
    return s->countHeaderBytes(len) ? 0 : 1;
}

int RequestParser::onHeadersComplete(http_parser *p)
{
    auto *s = self(p);
    HttpRequest &r = s->m_request;
    r.method = http_method_str(http_method(p->method));
    r.versionMajor = p->http_major;
    r.versionMinor = p->http_minor;
    r.keepAlive = http_should_keep_alive(p) != 0;
    r.chunked = (p->flags & F_CHUNKED) != 0;

    const QList<QByteArray> lengths = r.headers.values("content-length");
    if (!lengths.isEmpty() && r.headers.contains("transfer-encoding")) {
        s->fail(400, "both Content-Length and Transfer-Encoding");
        return -1; // any value but 0, 1 and 2 is an error here
    }
    for (const QByteArray &l : lengths) {
        if (l.trimmed() != lengths.first().trimmed()) {
            s->fail(400, "conflicting Content-Length headers");
            return -1; // any value but 0, 1 and 2 is an error here
        }
    }
    if (p->method == HTTP_CONNECT) {
        s->fail(400, "CONNECT is not supported");
        return -1; // any value but 0, 1 and 2 is an error here
    }
    if (!lengths.isEmpty() && qint64(p->content_length) > s->m_limits.maxBodyBytes) {
        s->fail(413, "request body larger than the configured limit");
        return -1; // any value but 0, 1 and 2 is an error here
    }
    const qsizetype q = r.target.indexOf('?');
    if (q >= 0) {
        r.path = r.target.left(q);
        r.query = r.target.mid(q + 1);
    } else {
        r.path = r.target;
    }
    if (r.path.startsWith("http://") || r.path.startsWith("https://")) { // absolute-form
        const qsizetype slash = r.path.indexOf('/', r.path.indexOf("//") + 2);
        r.path = slash >= 0 ? r.path.mid(slash) : QByteArray("/");
    }
    if (!r.path.startsWith('/')) {
        s->fail(400, "request target must start with '/'");
        return -1; // any value but 0, 1 and 2 is an error here
    }
    return 0;
}

int RequestParser::onBody(http_parser *p, const char *at, size_t len)
{
    auto *s = self(p);
    if (s->m_request.body.size() + qint64(len) > s->m_limits.maxBodyBytes) {
        s->fail(413, "request body larger than the configured limit");
        return 1;
    }
    s->m_request.body.append(at, qsizetype(len));
    return 0;
}

int RequestParser::onMessageComplete(http_parser *p)
{
    auto *s = self(p);
    s->m_complete = true;
    s->m_inMessage = false;
    http_parser_pause(p, 1);
    return 0;
}
