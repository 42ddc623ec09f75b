#pragma once

#include "httpmessage.h"

#include <http_parser.h>

// Sans-I/O HTTP/1.1 request parser over libhttp-parser: bytes in, whole requests out.
// It stops after each complete request so that pipelined requests are answered one at a time.
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

    explicit RequestParser(Limits limits = {});
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    // Parses from the start of `data`; `*consumed` tells how many bytes were used.
    Result feed(QByteArrayView data, qsizetype *consumed);
    HttpRequest takeRequest() { return std::move(m_request); }

    // After Error: the status to answer with (400, 413 or 431) and why.
    int errorStatus() const { return m_errorStatus; }
    QByteArray errorText() const { return m_errorText; }
    // True while a request has begun but is not complete (bytes after a full request excluded).
    bool inMessage() const { return m_inMessage; }

private:
    static int onMessageBegin(http_parser *p);
    static int onUrl(http_parser *p, const char *at, size_t len);
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);
    bool countHeaderBytes(size_t len);
    void fail(int status, QByteArray text);

    http_parser m_parser;
    Limits m_limits;
    HttpRequest m_request;
    qsizetype m_headerBytes = 0;
    bool m_lastWasValue = false;
    bool m_complete = false;
    bool m_inMessage = false;
    int m_errorStatus = 0;
    QByteArray m_errorText;
};
