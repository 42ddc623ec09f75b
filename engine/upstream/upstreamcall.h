#pragma once

#include "connectionpool.h"
#include "responseparser.h"
#include "upstreamspec.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

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
};

// One proxied request: picks a node, takes a pooled connection or connects (with retries to other
// nodes on connect failure), sends the request, parses the response and streams it to the sink.
class UpstreamCall : public QObject
{
    Q_OBJECT
public:
    struct Timings
    {
        qint64 connectNs = -1;     // from start to connected (-1 if a pooled connection was reused)
        qint64 firstByteNs = -1;   // from start to the first response byte
        qint64 totalNs = -1;
    };

    UpstreamCall(std::shared_ptr<const UpstreamSpec> spec, Balancer *balancer, ConnectionPool *pool,
                 UpstreamSink *sink, QObject *parent = nullptr);
    ~UpstreamCall() override;

    // `head` is the request head without Host (added per pass_host); `body` follows it.
    void start(QByteArray method, QByteArray head, QByteArray clientHost, QByteArray body, QByteArray hashValue);
    void resumeReading();
    void abort();

    QString nodeAddress() const; // "host:port" of the node in use
    QByteArray upstreamHostHeader() const { return m_hostHeader; }
    const Timings &timings() const { return m_timings; }
    int attempts() const { return int(m_tried.size()); }

private:
    void tryNextNode();
    void useSocket(bool reused);
    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void onError();
    void onTimeout();
    void fail(int status, const QString &why);
    void finish();
    void releaseSocket(bool reusable);

    std::shared_ptr<const UpstreamSpec> m_spec;
    Balancer *m_balancer;
    ConnectionPool *m_pool;
    UpstreamSink *m_sink;
    QByteArray m_method;
    QByteArray m_head;
    QByteArray m_clientHost;
    QByteArray m_body;
    QByteArray m_hashValue;
    QByteArray m_hostHeader;
    QList<int> m_tried;
    int m_node = -1;
    UpstreamSocket m_conn;
    bool m_reused = false;
    bool m_headSent = false;
    bool m_anyByte = false;
    bool m_finished = false;
    enum class Phase { Idle, Connecting, Sending, Reading } m_phase = Phase::Idle;
    ResponseParser m_parser;
    QTimer m_timer;
    QElapsedTimer m_clock;
    Timings m_timings;
};
