#include "requestparser.h"

#include "uripath.h"

#include <llhttp.h>

#include <QScopeGuard>

#include <cctype>

namespace {
RequestParser *self(llhttp_t *p) { return static_cast<RequestParser *>(p->data); }
} // namespace

bool isValidHost(QByteArrayView host)
{
    if (host.isEmpty())
        return false;
    qsizetype i = 0;
    if (host.front() == '[') { // IP-literal
        const qsizetype close = host.indexOf(']');
        if (close < 2)
            return false;
        for (char c : host.sliced(1, close - 1))
            if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'))
                return false;
        i = close + 1;
    } else {
        // reg-name or IPv4 (nginx: letters, digits, '-', '.', '_'; no "..", no '/', '\\' or '@')
        for (; i < host.size() && host[i] != ':'; ++i) {
            const char c = host[i];
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
                return false;
            if (c == '.' && i > 0 && host[i - 1] == '.')
                return false;
        }
        if (i == 0)
            return false;
    }
    if (i == host.size())
        return true;
    if (host[i] != ':')
        return false;
    const QByteArrayView port = host.sliced(i + 1);
    if (port.size() > 5)
        return false;
    for (char c : port)
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    return true;
}

RequestParser::~RequestParser() = default;

RequestParser::RequestParser(Limits limits)
    : m_limits(limits)
{
    start();
}

void RequestParser::start()
{
    static const llhttp_settings_t callbacks = [] {
        llhttp_settings_t s;
        llhttp_settings_init(&s);
        s.on_message_begin = &RequestParser::onMessageBegin;
        s.on_url = &RequestParser::onUrl;
        s.on_header_field = &RequestParser::onHeaderField;
        s.on_header_value = &RequestParser::onHeaderValue;
        s.on_headers_complete = &RequestParser::onHeadersComplete;
        s.on_body = &RequestParser::onBody;
        s.on_message_complete = &RequestParser::onMessageComplete;
        return s;
    }();
    m_parser = std::make_unique<llhttp_t>();
    llhttp_init(m_parser.get(), HTTP_REQUEST, &callbacks);
    m_parser->data = this;
}

void RequestParser::releaseWhileIdle()
{
    // After "Connection: close" llhttp refuses what follows: that state is kept. (feed() leaves llhttp in
    // error only with m_errorStatus set, and never paused.)
    if (m_parser && !m_inMessage && !m_errorStatus && llhttp_should_keep_alive(m_parser.get()))
        m_parser.reset();
}

RequestParser::Result RequestParser::feed(QByteArrayView data, qsizetype *consumed)
{
    *consumed = 0;
    if (m_errorStatus)
        return Result::Error;
    if (data.isNull())
        data = QByteArrayView("", 0); // llhttp adds the length to the pointer: never to a null one
    if (!m_parser)
        start(); // released while the connection was idle
    m_complete = false;
    m_bufferStart = data.data();
    llhttp_errno_t err = llhttp_execute(m_parser.get(), data.data(), size_t(data.size()));
    if (err == HPE_PAUSED_UPGRADE && !m_complete && llhttp_get_error_pos(m_parser.get()) == data.data()) {
        // Still held after an Upgrade request we served as a plain one: go on with these bytes as HTTP.
        llhttp_resume_after_upgrade(m_parser.get());
        err = llhttp_execute(m_parser.get(), data.data(), size_t(data.size()));
    }
    const auto done = qScopeGuard([this, consumed] { m_streamPos += *consumed; });
    if (err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) {
        // Paused at the end of a request (upgrades are not supported: the request is served as a plain one).
        *consumed = qsizetype(llhttp_get_error_pos(m_parser.get()) - data.data());
        if (err == HPE_PAUSED)
            llhttp_resume(m_parser.get());
        else
            llhttp_resume_after_upgrade(m_parser.get());
        if (m_complete)
            return Result::Complete;
        fail(400, "malformed request: the parser stopped inside a request"); // never silently drop bytes
        return Result::Error;
    }
    if (err != HPE_OK) {
        *consumed = llhttp_get_error_pos(m_parser.get()) ? qsizetype(llhttp_get_error_pos(m_parser.get()) - data.data()) : 0;
        fail(400, QByteArray("malformed request: ") + llhttp_get_error_reason(m_parser.get()));
        return Result::Error;
    }
    *consumed = data.size();
    return Result::NeedMore;
}

void RequestParser::fail(int status, QByteArray text)
{
    if (!m_errorStatus) {
        m_errorStatus = status;
        m_errorText = std::move(text);
    }
}

bool RequestParser::countHeaderBytes(size_t len, bool inTarget)
{
    m_headerBytes += qsizetype(len);
    if (m_headerBytes > m_limits.maxHeaderBytes) {
        // As nginx (so APISIX) answers a head past its buffers: 414 for the request line, 400 for a header.
        if (inTarget)
            fail(414, "Request-URI Too Large");
        else
            fail(400, "Request Header Or Cookie Too Large");
        return false;
    }
    return true;
}

int RequestParser::onMessageBegin(llhttp_t *p)
{
    auto *s = self(p);
    s->m_request = std::make_unique<HttpRequest>();
    s->m_headerBytes = 0;
    s->m_lastWasValue = false;
    s->m_inTrailers = false;
    s->m_inMessage = true;
    return 0;
}

int RequestParser::onUrl(llhttp_t *p, const char *at, size_t len)
{
    auto *s = self(p);
    s->m_request->target.append(at, qsizetype(len));
    return s->countHeaderBytes(len, true) ? 0 : -1;
}

int RequestParser::onHeaderField(llhttp_t *p, const char *at, size_t len)
{
    auto *s = self(p);
    if (!s->countHeaderBytes(len))
        return -1;
    if (s->m_inTrailers)
        return 0; // trailer fields are not headers: dropped
    auto &fields = s->m_request->headers.fields();
    if (fields.isEmpty())
        fields.reserve(16); // one allocation for the usual number of headers
    if (fields.isEmpty() || s->m_lastWasValue) // a new field (else the name goes on after a read boundary)
        fields.append(HttpHeaders::Field{sharedHeaderName(QByteArrayView(at, qsizetype(len))), QByteArray()});
    else
        fields.last().first.append(at, qsizetype(len));
    s->m_lastWasValue = false;
    return 0;
}

int RequestParser::onHeaderValue(llhttp_t *p, const char *at, size_t len)
{
    auto *s = self(p);
    if (!s->countHeaderBytes(len))
        return -1;
    if (s->m_inTrailers)
        return 0;
    auto &fields = s->m_request->headers.fields();
    if (fields.isEmpty())
        return -1;
    const qint64 pos = s->m_streamPos + (at - s->m_bufferStart);
    if (s->m_lastWasValue && pos != s->m_valueEndPos) {
        // The value goes on after bytes llhttp skipped: a line that starts with whitespace (obs-fold),
        // which it joins to the header before. nginx refuses it, and an upstream may read it as a header.
        s->fail(400, "a header line starts with whitespace (obsolete line folding)");
        return -1;
    }
    if (fields.last().first.isEmpty()) {
        // ":value": llhttp hands over an empty name (found by fuzz_request); nginx refuses the line.
        s->fail(400, "a header line without a name");
        return -1;
    }
    s->m_valueEndPos = pos + qint64(len);
    fields.last().second.append(at, qsizetype(len));
    s->m_lastWasValue = true;
    return 0;
}

int RequestParser::onHeadersComplete(llhttp_t *p)
{
    auto *s = self(p);
    HttpRequest &r = *s->m_request;
    const char *method = llhttp_method_name(llhttp_method_t(p->method)); // static strings of llhttp's
    r.method = QByteArray::fromRawData(method, qsizetype(qstrlen(method)));
    r.versionMajor = p->http_major;
    r.versionMinor = p->http_minor;
    r.keepAlive = llhttp_should_keep_alive(p) != 0;
    r.chunked = (p->flags & F_CHUNKED) != 0;
    s->m_inTrailers = true; // any field from here on is a trailer
    if (!s->checkHead())
        return -1;
    if (r.headers.contains("content-length") && qint64(p->content_length) > s->m_limits.maxBodyBytes) {
        s->fail(413, "request body larger than the configured limit");
        return -1;
    }
    return 0;
}

bool RequestParser::checkHead()
{
    HttpRequest &r = *m_request;
    const QList<QByteArray> lengths = r.headers.values("content-length");
    if (!lengths.isEmpty() && r.headers.contains("transfer-encoding")) {
        fail(400, "both Content-Length and Transfer-Encoding");
        return false;
    }
    for (const QByteArray &l : lengths) {
        if (l.trimmed() != lengths.first().trimmed()) {
            fail(400, "conflicting Content-Length headers");
            return false;
        }
    }
    if (m_parser->method == HTTP_CONNECT) {
        fail(400, "CONNECT is not supported");
        return false;
    }
    // The target: origin-form, or absolute-form whose authority then is the Host (RFC 9112 §3.2.2).
    QByteArray authority;
    bool absolute = false;
    for (const char *scheme : {"http://", "https://"}) {
        if (r.target.startsWith('/'))
            break; // origin-form, nearly always
        if (r.target.size() > qsizetype(qstrlen(scheme)) && r.target.left(qstrlen(scheme)).toLower() == scheme) {
            const qsizetype start = qstrlen(scheme);
            qsizetype end = start;
            while (end < r.target.size() && r.target[end] != '/' && r.target[end] != '?')
                ++end;
            authority = r.target.mid(start, end - start);
            r.target = end < r.target.size() && r.target[end] == '/' ? r.target.mid(end) : "/" + r.target.mid(end);
            absolute = true;
            break;
        }
    }
    const QByteArray *host = nullptr;
    for (const auto &field : r.headers.fields()) {
        if (!headerNameIs(field.first, "host"))
            continue;
        if (host) {
            fail(400, "more than one Host header");
            return false;
        }
        host = &field.second;
    }
    if (absolute) {
        if (!isValidHost(authority)) {
            fail(400, "invalid host in the request target");
            return false;
        }
        r.headers.set("Host", authority);
    } else if (!host) {
        if (r.versionMajor == 1 && r.versionMinor >= 1) {
            fail(400, "no Host header (required on HTTP/1.1)");
            return false;
        }
    } else if (!isValidHost(QByteArrayView(*host).trimmed())) {
        fail(400, "invalid Host header");
        return false;
    }
    r.setTarget(std::move(r.target));
    if (!r.path.startsWith('/')) {
        fail(400, "request target must start with '/'");
        return false;
    }
    std::optional<QByteArray> uri = normalizeUriPath(r.path);
    if (!uri) {
        fail(400, "invalid path: a broken %-escape, an escaped NUL, or \"..\" above the root");
        return false;
    }
    r.uri = std::move(*uri);
    m_expectContinue = (r.chunked || m_parser->content_length > 0) && r.versionMinor >= 1
                       && QByteArrayView(r.headers.value("expect")).trimmed().compare("100-continue", Qt::CaseInsensitive) == 0;
    if (m_headCheck) {
        QByteArray why;
        if (const int status = m_headCheck(r, &why)) {
            fail(status, why);
            return false;
        }
    }
    return true;
}

int RequestParser::onBody(llhttp_t *p, const char *at, size_t len)
{
    auto *s = self(p);
    if (s->m_request->body.size() + qint64(len) > s->m_limits.maxBodyBytes) {
        s->fail(413, "request body larger than the configured limit");
        return -1;
    }
    s->m_request->body.append(at, qsizetype(len));
    return 0;
}

int RequestParser::onMessageComplete(llhttp_t *p)
{
    auto *s = self(p);
    s->m_complete = true;
    s->m_inMessage = false;
    s->m_expectContinue = false; // the body is here already
    return HPE_PAUSED;
}
