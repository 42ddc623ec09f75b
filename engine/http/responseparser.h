#pragma once

#include "httpmessage.h"

#include <functional>
#include <memory>

struct llhttp__internal_s; // llhttp_t

// Sans-I/O HTTP/1.1 response parser over llhttp in its strict mode (as RequestParser), streaming: the
// head and each body piece are handed to callbacks as they are parsed (bodies arrive de-chunked).
// Refused: header names that are not tokens, Content-Length with Transfer-Encoding, conflicting lengths,
// malformed chunks. Interim 1xx responses are skipped; 101 is refused (no upgraded connection is relayed);
// 204, 304 and answers to HEAD have no body whatever their headers say, and bytes after them are not
// taken for the next answer (see complete()'s `consumed`: the connection is not reused).
class ResponseParser
{
public:
    enum class BodyFraming { None, Length, Chunked, UntilClose };
    enum class Result { NeedMore, Complete, Error };

    ResponseParser();
    ~ResponseParser();
    ResponseParser(const ResponseParser &) = delete;
    ResponseParser &operator=(const ResponseParser &) = delete;

    // Call before each response; a response to HEAD has no body whatever its headers say.
    void reset(bool requestWasHead);

    std::function<void(HttpResponseHead &&head)> onHead;
    std::function<void(const char *data, qsizetype size)> onBody;

    // Parses from the start of `data`; `*consumed` tells how many bytes were used. After Complete, bytes
    // not consumed follow the response (a well-framed upstream sends none before the next request).
    Result feed(QByteArrayView data, qsizetype *consumed);
    // The peer closed the connection: completes an until-close body, else it is an error.
    Result finish();

    BodyFraming framing() const { return m_framing; }
    qint64 contentLength() const { return m_contentLength; }
    bool keepAlive() const { return m_keepAlive; }
    bool headComplete() const { return m_headComplete; }
    QByteArray errorText() const { return m_errorText; }

private:
    static int onStatus(llhttp__internal_s *p, const char *at, size_t len);
    static int onHeaderField(llhttp__internal_s *p, const char *at, size_t len);
    static int onHeaderValue(llhttp__internal_s *p, const char *at, size_t len);
    static int onHeadersComplete(llhttp__internal_s *p);
    static int onBodyData(llhttp__internal_s *p, const char *at, size_t len);
    static int onMessageComplete(llhttp__internal_s *p);
    Result failWith(QByteArray text);

    std::unique_ptr<llhttp__internal_s> m_parser;
    HttpResponseHead m_head;
    bool m_requestWasHead = false;
    bool m_lastWasValue = false;
    bool m_headComplete = false;
    bool m_interim = false;   // in a 1xx interim response, which is skipped
    bool m_complete = false;
    bool m_keepAlive = false;
    BodyFraming m_framing = BodyFraming::None;
    qint64 m_contentLength = -1;
    QByteArray m_errorText;
};
