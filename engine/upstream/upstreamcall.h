#pragma once

#include "connectionpool.h"
#include "deadline.h"
#include "responseparser.h"
#include "upstreamspec.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

class Balancer;

// Receives what one upstream call produces, in this order: head, body pieces, then done or failed.
class UpstreamSink
{
public:
    virtual ~UpstreamSink() = default;
    virtual void upstreamHead(HttpResponseHead &&head, ResponseParser::BodyFraming framing, qint64 contentLength) = 0;
    virtual void upstreamBody(const char *data, qsizetype size) = 0;
    virtual void upstreamDone() = 0;
    // status is 502 (connect error, bad response) or 504 (timeout); headSent tells whether upstreamHead ran.
    virtual void upstreamFailed(int status, const QString &why, bool headSent) = 0;
    // False pauses reading from the upstream until resumeReading() (client back-pressure).
    virtual bool upstreamCanTakeBody() const { return true; }
    // Everything read so far has been handed over; more follows later (a good moment to send it on).
    virtual void upstreamIdle() {}
};

// Proxies requests to an upstream, one at a time: picks a node, takes a pooled connection or connects
// (with retries to other nodes on connect failure), sends the request, parses the response and streams
// it to the sink. One object serves every request of a client connection.
class UpstreamCall : public QObject, private UpstreamConnection::Holder
{
    Q_OBJECT
public:
    struct Timings
    {
        qint64 connectNs = -1;     // from start to connected (-1 if a pooled connection was reused)
        qint64 firstByteNs = -1;   // from start to the first response byte
        qint64 totalNs = -1;
    };
    struct Request
    {
        QByteArray method;
        QByteArray head;        // request line and headers, without Host and the blank line
        QByteArray clientHost;  // the client's Host header, for pass_host "pass"
        std::optional<QByteArray> hostOverride; // a runner rewrote Host: it wins over pass_host
        QByteArray body;
        QByteArray hashValue;   // for chash
    };

    UpstreamCall(ConnectionPool *pool, UpstreamSink *sink, QObject *parent = nullptr);
    ~UpstreamCall() override;
    // For an idle call that is lent to another connection.
    void setSink(UpstreamSink *sink) { m_sink = sink; }

    void start(std::shared_ptr<const UpstreamSpec> spec, Balancer *balancer, Request request);
    void resumeReading();
    // Stops the call in progress, if any; its connection is closed.
    void abort();
    bool isActive() const { return m_active; }
    // Lets go of what a finished call still holds (the request's bytes, the spec): for an idle connection.
    void clear();

    QString nodeAddress() const; // "host:port" of the node in use
    QByteArray upstreamHostHeader() const { return m_hostHeader; }
    const Timings &timings() const { return m_timings; }
    int attempts() const { return int(m_tried.size()); }

protected:
    void timerEvent(QTimerEvent *event) override
    {
        if (!m_deadline.timerEvent(event))
            QObject::timerEvent(event);
    }

private:
    enum class Phase { Connecting, Sending, Reading };

    void tryNextNode();
    void openConnection();        // connects m_conn to the node in use
    void send();
    void readResponse();
    void reconnectSameNode();
    void onTimer();
    void fail(int status, const QString &why);
    void finish();
    void release(bool reusable);

    void connectionEstablished(UpstreamConnection *c) override;
    void connectionReadable(UpstreamConnection *c) override;
    void connectionWritten(UpstreamConnection *c) override;
    void connectionClosed(UpstreamConnection *c) override;
    void connectionFailed(UpstreamConnection *c) override;

    ConnectionPool *m_pool;
    UpstreamSink *m_sink;
    std::shared_ptr<const UpstreamSpec> m_spec;
    Balancer *m_balancer = nullptr;
    Request m_request;
    QByteArray m_hostHeader;
    QList<int> m_tried;
    int m_node = -1;
    UpstreamConnection *m_conn = nullptr;
    bool m_active = false;
    bool m_reused = false;
    bool m_headSent = false;
    bool m_anyByte = false;
    Phase m_phase = Phase::Connecting;
    ResponseParser m_parser;
    Deadline m_deadline{this, [this] { onTimer(); }}; // connect, send and read timeouts in turn
    QElapsedTimer m_clock;
    qint64 m_startNs = 0;
    Timings m_timings;
};
