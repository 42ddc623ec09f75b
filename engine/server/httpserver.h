#pragma once

#include "acceptor.h"
#include "requestparser.h"

#include <QHostAddress>

#include <functional>

// What a local handler answers. `raw`, when set, is written as it is (for deliberately odd replies).
struct LocalReply
{
    int status = 200;
    HttpHeaders headers;
    QByteArray body;
    int delayMs = 0;
    bool chunked = false;
    QByteArray raw;
    bool closeAfter = false;
};

struct LocalRequest
{
    HttpRequest request;
    QHostAddress peer;
    quint16 peerPort = 0;
};

// A small HTTP/1.1 server for answers computed in-process: the Admin API and the demo upstream.
// Keep-alive and pipelining are handled; each request is answered in order. A connection that is silent
// for kIdleMs (mid-request or between requests) is closed.
class HttpServer : public Acceptor
{
    Q_OBJECT
public:
    using Handler = std::function<LocalReply(const LocalRequest &)>;
    static constexpr int kIdleMs = 60000;
    HttpServer(Handler handler, RequestParser::Limits limits, QObject *parent = nullptr);
    // Refuses requests on their head, before their body is read (see RequestParser::HeadCheck).
    void setHeadCheck(RequestParser::HeadCheck check) { m_headCheck = std::move(check); }

protected:
    void incomingConnection(qintptr descriptor, Ended ended) override;

private:
    Handler m_handler;
    RequestParser::Limits m_limits;
    RequestParser::HeadCheck m_headCheck;
};

QByteArray serializeReply(const LocalReply &reply, bool headRequest, bool close);
