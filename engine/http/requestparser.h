#pragma once

#include "httpmessage.h"

#include <functional>
#include <memory>
#include <utility>

struct llhttp__internal_s; // llhttp_t: its header stays out of ours

// Sans-I/O HTTP/1.1 request parser over llhttp in its strict mode: bytes in, whole requests out.
// It stops after each complete request so that pipelined requests are answered one at a time.
// What a gateway must refuse is refused here, with 400: header names that are not tokens (a space before
// the colon, inside the name, a line that starts with whitespace), malformed chunks, Content-Length with
// Transfer-Encoding, conflicting lengths, and the Host rules of RFC 9112 §3.2 as nginx applies them (one
// Host, required on HTTP/1.1, a valid authority). An absolute-form target gives the Host, and the request
// goes on in origin-form. Trailer fields are read and dropped, never merged into the headers.
struct RequestLimits
{
    qsizetype maxHeaderBytes = 32 * 1024;
    qint64 maxBodyBytes = 64LL * 1024 * 1024;
};

class RequestParser
{
public:
    using Limits = RequestLimits;
    enum class Result { NeedMore, Complete, Error };
    // Looks at a request once its head is read, before any of its body is: a status to refuse it with
    // (and why), or 0 to go on. A server that must not read bodies for just anyone checks here.
    using HeadCheck = std::function<int(const HttpRequest &head, QByteArray *why)>;

    explicit RequestParser(Limits limits = {});
    ~RequestParser();
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    // Parses from the start of `data`; `*consumed` tells how many bytes were used.
    Result feed(QByteArrayView data, qsizetype *consumed);
    HttpRequest takeRequest() { return m_request ? std::move(*std::exchange(m_request, nullptr)) : HttpRequest{}; }
    void setHeadCheck(HeadCheck check) { m_headCheck = std::move(check); }
    // True once after a head that asked "Expect: 100-continue" for a body still to come: the server answers
    // "100 Continue" itself (and does not pass Expect on), so the client sends the body at once.
    bool takeContinue() { return std::exchange(m_expectContinue, false); }

    // After Error: the status to answer with (400, 413 or 414, or the head check's) and why.
    int errorStatus() const { return m_errorStatus; }
    QByteArray errorText() const { return m_errorText; }
    // True while a request has begun but is not complete (bytes after a full request excluded).
    bool inMessage() const { return m_inMessage; }
    // True while the body (or trailers) of a request whose head is read is still to come.
    bool inBody() const { return m_inMessage && m_inTrailers; }
    // Between requests of a keep-alive connection: frees llhttp's state (about 100 bytes), made anew by the
    // next feed(). An idle connection then holds no parser.
    void releaseWhileIdle();

private:
    static int onMessageBegin(llhttp__internal_s *p);
    static int onUrl(llhttp__internal_s *p, const char *at, size_t len);
    static int onHeaderField(llhttp__internal_s *p, const char *at, size_t len);
    static int onHeaderValue(llhttp__internal_s *p, const char *at, size_t len);
    static int onHeadersComplete(llhttp__internal_s *p);
    static int onBody(llhttp__internal_s *p, const char *at, size_t len);
    static int onMessageComplete(llhttp__internal_s *p);
    bool countHeaderBytes(size_t len, bool inTarget = false);
    bool checkHead();
    void fail(int status, QByteArray text);
    void start();

    std::unique_ptr<llhttp__internal_s> m_parser;
    Limits m_limits;
    HeadCheck m_headCheck;
    std::unique_ptr<HttpRequest> m_request; // only while a request is read: an idle connection keeps none
    qsizetype m_headerBytes = 0;
    bool m_lastWasValue = false;
    bool m_inTrailers = false;
    bool m_expectContinue = false;
    // Where in the byte stream the header value seen last ended: value bytes that do not follow on at once
    // mean llhttp skipped a line break and whitespace (obs-fold).
    qint64 m_streamPos = 0;           // of the first byte being parsed now
    const char *m_bufferStart = nullptr;
    qint64 m_valueEndPos = 0;
    bool m_complete = false;
    bool m_inMessage = false;
    int m_errorStatus = 0;
    QByteArray m_errorText;
};

// A Host header value (or the authority of an absolute-form target) as nginx accepts it: a reg-name,
// IPv4 or bracketed IPv6 address, with an optional port; not empty.
bool isValidHost(QByteArrayView host);
