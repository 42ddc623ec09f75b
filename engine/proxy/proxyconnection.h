#pragma once

#include "deadline.h"
#include "exchange.h"
#include "plugincall.h"
#include "requestparser.h"
#include "stream.h"
#include "upstreamcall.h"

#include <QObject>

#include <memory>

class ProxyWorker;

// One client connection to the proxy port: the I/O adapter of its exchanges. It reads requests one at
// a time (so pipelined requests are answered in order), feeds each to an Exchange (the pipeline, without
// I/O), and carries out what the exchange asks: bytes to the client, the upstream call, the runner call.
// It keeps the client's timeouts (header, body, keep-alive idle, send). While idle it holds no exchange,
// upstream call or runner call: those exist only while a request is served.
class ProxyConnection : public QObject, private UpstreamSink, private Stream::Handler, private ExchangeIo
{
    Q_OBJECT
public:
    // `ended` is called once the connection is gone (it frees a place under worker_connections).
    ProxyConnection(qintptr descriptor, ProxyWorker *worker, std::function<void()> ended);
    ~ProxyConnection() override;

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    // What the client is waiting on us for, or we on it: which of ClientSettings' timeouts runs.
    enum class Wait { Request, Head, Body, Send, Nothing };

    void streamReadable(Stream *) override;
    void streamWritten(Stream *) override;
    void streamClosed(Stream *) override;
    void closeNow();
    void processInput();
    void newExchange();
    // Every event goes to the exchange through here: once the outermost one is over and so is the
    // exchange, the connection goes on (next request, or close) and the exchange is freed.
    template<typename Event> void feed(Event &&event);
    void exchangeOver();
    void closeAfterFlush();
    void watchClient();
    void clientTimedOut();
    QByteArray clientText() const; // "client 127.0.0.1:53211", for the log

    void upstreamHead(HttpResponseHead &&head, ResponseParser::BodyFraming framing, qint64 contentLength) override;
    void upstreamBody(const char *data, qsizetype size) override;
    void upstreamDone() override;
    void upstreamFailed(int status, const QString &why, bool headSent) override;
    bool upstreamCanTakeBody() const override;
    void upstreamIdle() override;

    void sendHead(QByteArray head) override;
    void send(const char *data, qsizetype size) override;
    void send(const QByteArray &data) override;
    void startUpstream(std::shared_ptr<const UpstreamSpec> spec, UpstreamCall::Request request) override;
    void resumeUpstream() override;
    UpstreamFacts upstreamFacts(bool withNames) const override;
    void callRunner(PluginCallSpec spec, QList<RunnerFrameRecord> *log, const QElapsedTimer *clock) override;
    void answerExtraInfo(const std::optional<QByteArray> &value) override;
    void stopRunner() override;
    void callNextTurn() override;

    // Lent by the worker for the exchange in progress (call() and plugin() borrow them), given back when it ends.
    UpstreamCall &call();
    PluginCall &plugin();
    void giveBackCalls();

    ProxyWorker *m_worker;
    Stream *m_stream;
    ConnectionInfo m_info;
    ExchangeContext m_context;
    RequestParser m_parser;
    std::function<void()> m_ended;
    Deadline m_deadline;
    Wait m_wait = Wait::Request;
    qint64 m_sentMark = 0; // bytes the client had taken when the send timeout was last armed
    std::unique_ptr<Exchange> m_exchange; // the one in progress; null while idle
    std::unique_ptr<UpstreamCall> m_call;
    std::unique_ptr<PluginCall> m_plugin;
    int m_feeding = 0; // events being fed, nested
    bool m_processing = false;
    bool m_closing = false;
};
