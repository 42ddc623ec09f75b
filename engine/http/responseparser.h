#pragma once

#include "httpmessage.h"

#include <http_parser.h>

#include <functional>

// Sans-I/O HTTP/1.1 response parser over libhttp-parser, streaming: the head and each body piece
// are handed to callbacks as they are parsed (bodies arrive de-chunked). Interim 1xx responses (but 101)
// are skipped; 204, 304 and answers to HEAD have no body whatever their headers say.
class ResponseParser
{
public:
    enum class BodyFraming { None, Length, Chunked, UntilClose };
    enum class Result { NeedMore, Complete, Error };

    ResponseParser();
    ResponseParser(const ResponseParser &) = delete;
    ResponseParser &operator=(const ResponseParser &) = delete;

    // Call before each response; a response to HEAD has no body whatever its headers say.
    void reset(bool requestWasHead);

    std::function<void(HttpResponseHead &&head)> onHead;
    std::function<void(const char *data, qsizetype size)> onBody;

    Result feed(QByteArrayView data, qsizetype *consumed);
    // The peer closed the connection: completes an until-close body, else it is an error.
    Result finish();

    BodyFraming framing() const { return m_framing; }
    qint64 contentLength() const { return m_contentLength; }
    bool keepAlive() const { return m_keepAlive; }
    bool headComplete() const { return m_headComplete; }
    QByteArray errorText() const { return m_errorText; }

private:
    static const http_parser_settings &callbacks();
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onStatus(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBodyData(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);
    Result afterExecute(size_t n, size_t expected, qsizetype *consumed);

    http_parser m_parser;
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
