#pragma once

#include "deadline.h"
#include "exchange.h"
#include "extplugin.h"
#include "pipeline.h"
#include "plugincall.h"
#include "requestparser.h"
#include "stream.h"
#include "upstreamcall.h"
#include "vars.h"

#include <QHostAddress>
#include <QObject>

#include <memory>

class ProxyWorker;
struct CompiledRoute;
struct ConfigSnapshot;

// One client connection to the proxy port. Requests are taken one at a time (so pipelined requests are
// answered in order) and each goes through the pipeline of DESIGN.md: route match, ext-plugin-pre-req,
// ext-plugin-post-req, the upstream call, ext-plugin-post-resp, the client response. The upstream body
// is streamed. With post-resp, HTTPRespCall goes out as soon as the upstream head is in, and the body
// waits in the upstream socket (not in memory) until the runner answers: it is read whole only when
// the runner asks for it (RespBody), dropped when the runner replaces it, and streamed through otherwise.
class ProxyConnection : public QObject, private UpstreamSink, private Stream::Handler
{
    Q_OBJECT
public:
    // `ended` is called once the connection is gone (it frees a place under worker_connections).
    ProxyConnection(qintptr descriptor, ProxyWorker *worker, std::function<void()> ended);
    ~ProxyConnection() override;

private:
    enum class Framing { None, Length, Chunked, Close };
    // What the client is waiting on us for, or we on it: which of ClientSettings' timeouts runs.
    enum class Wait { Request, Head, Body, Send, Nothing };
    // Where an ext-plugin-post-resp route stands with the upstream body.
    enum class PostResp { Off, Waiting, ReadingBody, Relaying };

    // proxyconnection.cpp: client I/O and the upstream call
    void streamReadable(Stream *) override;
    void streamWritten(Stream *) override;
    void streamClosed(Stream *) override;
    void closeNow();
    // Ends the exchange in progress, if any, as failed at its step with `why`, then closes.
    void abandon(const QString &why);
    void processInput();
    void beginExchange();
    void handleRequest(HttpRequest request);
    void startUpstream();
    // An {"error_msg": …} answer. Apisix: as APISIX's core.response.exit(status, {error_msg = …}) sends it,
    // whose Content-Type nobody sets, so nginx's default_type (text/plain) and charset apply; Json: one of
    // RouteScope's own answers where nginx would send its HTML error page.
    enum class LocalAnswer { Json, Apisix };
    void respondLocal(int status, const QByteArray &errorMessage, bool close, LocalAnswer kind = LocalAnswer::Json);
    void respondAnswer(const ClientAnswer &answer);
    void endExchange();
    void closeAfterFlush();
    void watchClient();
    void clientTimedOut();
    QByteArray clientText() const; // "client 127.0.0.1:53211", for the log
    void appendUpstreamHeaders(const HttpRequest &r, QByteArray &head, HttpHeaders *captured) const;
    void recordUpstreamCall();
    void finishRecord();
    QByteArray hashValue(const HttpRequest &r, const UpstreamSpec &spec) const;
    void writeHead(int status, const QByteArray &reason, const HttpHeaders &headers, Framing framing, qint64 length);

    void upstreamHead(HttpResponseHead &&head, ResponseParser::BodyFraming framing, qint64 contentLength) override;
    void upstreamBody(const char *data, qsizetype size) override;
    void upstreamDone() override;
    void upstreamFailed(int status, const QString &why, bool headSent) override;
    bool upstreamCanTakeBody() const override;
    void upstreamIdle() override;

    // proxyphases.cpp: the ext-plugin phases
    void runStage(Pipeline::Stage stage);
    void runRequestPlugin(const ExtPluginConfig &plugin, Pipeline::Stage next);
    void onRequestPluginDone(const ExtPluginConfig &plugin, Pipeline::Stage next, const PluginCallOutcome &outcome);
    void runResponsePlugin();
    void onResponsePluginDone(const PluginCallOutcome &outcome);
    ExtraInfoAnswer responseExtraInfo(const Runner::ExtraInfoReq &ask);
    void relay(const ClientAnswer &answer);
    void writeBody(const char *data, qsizetype size);
    void pluginFailed(const Pipeline::Fail &fail); // recorded, logged (throttled), and unless degraded answered
    std::optional<QByteArray> extraInfo(const Runner::ExtraInfoReq &ask) const;
    // The variables of a request on this connection (its addresses), for vars and ExtraInfo.
    VarContext connectionVars(const HttpRequest &client, const HttpRequest &upstream) const;
    QByteArray hostForRunner() const;

    ProxyWorker *m_worker;
    Stream *m_stream;
    QHostAddress m_peer;
    quint16 m_peerPort = 0;
    QHostAddress m_local;
    quint16 m_localPort = 0;
    QByteArray m_peerText;      // for X-Real-IP and X-Forwarded-For
    QByteArray m_localPortText; // for X-Forwarded-Port
    RequestParser m_parser;
    std::function<void()> m_ended;
    Deadline m_deadline;
    Wait m_wait = Wait::Request;
    qint64 m_sentMark = 0; // bytes the client had taken when the send timeout was last armed
    // Lent by the worker for the exchange in progress (call() and plugin() borrow them), given back when it ends.
    UpstreamCall &call();
    void noteUpstreamStatus(int status);
    PluginCall &plugin();
    void giveBackCalls();
    std::unique_ptr<UpstreamCall> m_call;
    std::unique_ptr<PluginCall> m_plugin;
    bool m_busy = false;
    bool m_processing = false;
    bool m_closing = false;
    bool m_keepAlive = true;
    bool m_clientIsHttp10 = false;
    bool m_headRequest = false;
    qint64 m_upstreamLength = -1; // the upstream's Content-Length, while its answer is buffered
    Framing m_framing = Framing::None;

    // The exchange in progress.
    Exchange m_exchange;
    std::shared_ptr<const ConfigSnapshot> m_snapshot;
    const CompiledRoute *m_route = nullptr; // null: none matched (the global rules still run)
    const ExtPluginConfig *m_postRespPlugin = nullptr; // the global rules', else the route's
    HttpRequest m_client;            // as received (for ExtraInfo: vars and ReqBody)
    HttpRequest m_upstreamRequest;   // as it goes upstream, after rewrites
    std::optional<QByteArray> m_hostOverride;
    HttpHeaders m_respHeaders;       // Rewrite.resp_headers for the client response
    QByteArray m_upstreamStatus;     // nginx's $upstream_status: "200", "502, 503" (empty: no upstream was tried)
    PostResp m_post = PostResp::Off;
    bool m_postRespPending = false;  // the head is in: the runner is to be called (queued, or at upstreamDone())
    bool m_upstreamComplete = false;
    bool m_upstreamHasLength = false;
    ClientAnswer m_upstreamAnswer;   // post-resp: the upstream's answer; its body holds what was read
    HttpHeaders m_upstreamHeaders;   // post-resp: the upstream's headers as received, every one of them
};
