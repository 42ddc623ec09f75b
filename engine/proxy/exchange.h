#pragma once
// One exchange, from the request read to the last byte of its answer, without I/O (DESIGN.md's pipeline;
// mitmproxy's events in, commands out). ProxyConnection is its I/O adapter: it feeds events in (the
// request, upstream head / body / end / failure, runner replies, the next loop turn, the client gone)
// and carries out the actions that come out through ExchangeIo (send to the client, start or resume the
// upstream call, call the runner, answer ExtraInfo). The stages are Pipeline's. An exchange owns all
// per-request state and lives only while its request is served: an idle connection holds none of it.
// It ends exactly once (finish()), answered, failed or abandoned, and its record then goes to the capture.

#include "capturedexchange.h"
#include "pipeline.h"
#include "plugincall.h"
#include "responseparser.h"
#include "upstreamcall.h"
#include "vars.h"

#include <QElapsedTimer>
#include <QHostAddress>

#include <memory>

class CaptureStore;
struct ClientSettings;
struct CompiledRoute;
struct ConfigSnapshot;

// The client connection an exchange runs on, as the adapter knows it.
struct ConnectionInfo
{
    QHostAddress peer;
    quint16 peerPort = 0;
    QHostAddress local;
    quint16 localPort = 0;
    QByteArray peerText;      // for X-Real-IP and X-Forwarded-For
    QByteArray localPortText; // for X-Forwarded-Port
};

// What the exchange asks of the world. ProxyConnection does it with sockets; tst_exchange records it.
class ExchangeIo
{
public:
    virtual ~ExchangeIo() = default;
    // To the client: a response head (it goes out with the first body bytes), then body bytes.
    virtual void sendHead(QByteArray head) = 0;
    virtual void send(const char *data, qsizetype size) = 0;
    virtual void send(const QByteArray &data) = 0; // a whole body: kept by reference where it must wait
    virtual void startUpstream(std::shared_ptr<const UpstreamSpec> spec, UpstreamCall::Request request) = 0;
    virtual void resumeUpstream() = 0; // read on: upstreamBodyPace() says how much
    struct UpstreamFacts
    {
        int attempts = 0;
        UpstreamCall::Timings timings;
        QString node;         // "host:port" of the node in use
        QByteArray hostHeader; // the Host sent upstream
    };
    // Of the call started (empty before); the node and Host only `withNames` (they are built as text).
    virtual UpstreamFacts upstreamFacts(bool withNames = false) const = 0;
    // `done` is fed back as runnerDone(); `log` and `clock` record the frames.
    virtual void callRunner(PluginCallSpec spec, QList<RunnerFrameRecord> *log, const QElapsedTimer *clock) = 0;
    virtual void answerExtraInfo(const std::optional<QByteArray> &value) = 0;
    virtual void stopRunner() = 0;     // the call in progress is of no use any more
    virtual void callNextTurn() = 0;   // feed nextTurn() from the event loop, once this event is over
};

// What every exchange of a connection reads.
struct ExchangeContext
{
    const ClientSettings &settings;
    CaptureStore *capture = nullptr;
    const ConnectionInfo &connection;
};

class Exchange
{
public:
    // What the connection does once the exchange is over.
    enum class After { KeepAlive, CloseAfterFlush, CloseNow };
    // How the upstream body is to be read now.
    enum class BodyPace { Hold, ReadAll, ClientPace };

    Exchange(ExchangeIo &io, const ExchangeContext &context);
    Exchange(const Exchange &) = delete;
    Exchange &operator=(const Exchange &) = delete;

    // Events in.
    void request(HttpRequest request, std::shared_ptr<const ConfigSnapshot> snapshot);
    void refused(int status, const QByteArray &why); // the request could not be read: 4xx/5xx, then close
    void upstreamHead(HttpResponseHead &&head, ResponseParser::BodyFraming framing, qint64 contentLength);
    void upstreamBody(const char *data, qsizetype size);
    void upstreamDone();
    void upstreamFailed(int status, const QString &why, bool headSent);
    void runnerDone(PluginCallOutcome &&outcome); // its reply is given up to the phase's decoding
    void nextTurn();
    // The connection is gone or given up (client left, send timeout, engine stop): ends the exchange
    // with `why` at its step, unless it is over already; the connection then closes at once.
    void abandon(const QString &why);

    // What the adapter reads.
    bool isOver() const { return m_finished; }
    After after() const { return m_after; }
    BodyPace upstreamBodyPace() const;
    quint64 id() const { return m_record.id; }
    const char *step() const { return m_step; }

private:
    enum class Framing { None, Length, Chunked, Close };
    // Where an ext-plugin-post-resp route stands with the upstream body.
    enum class PostResp { Off, Waiting, ReadingBody, Relaying };
    enum class LocalAnswer { Json, Apisix }; // see respondLocal()
    enum class Phase { None, RequestPlugin, ResponsePlugin };

    // exchange.cpp: routing, the upstream request, the answer
    void begin();
    void startUpstream();
    void appendUpstreamHeaders(const HttpRequest &r, QByteArray &head, HttpHeaders *captured) const;
    QByteArray hashValue(const HttpRequest &r, const UpstreamSpec &spec) const;
    void noteUpstreamStatus(int status, int attempts);
    void recordUpstreamCall();
    // An {"error_msg": …} answer. Apisix: as APISIX's core.response.exit(status, {error_msg = …}) sends it,
    // whose Content-Type nobody sets, so nginx's default_type (text/plain) and charset apply; Json: one of
    // RouteScope's own answers where nginx would send its HTML error page.
    void respondLocal(int status, const QByteArray &errorMessage, bool close, LocalAnswer kind = LocalAnswer::Json);
    void respondAnswer(const ClientAnswer &answer);
    void writeHead(int status, const QByteArray &reason, const HttpHeaders &headers, Framing framing, qint64 length);
    void writeBody(const char *data, qsizetype size);
    void finish(After after);
    void appendBody(CapturedMessage &m, const char *data, qsizetype size) const;
    void setBody(CapturedMessage &m, const QByteArray &body) const;

    // exchangephases.cpp: the ext-plugin phases (PROTOCOL.md sections 5-7)
    void runStage(Pipeline::Stage stage);
    void runRequestPlugin(const ExtPluginConfig &plugin, Pipeline::Stage next);
    void requestPluginDone(PluginCallOutcome &&outcome);
    void runResponsePlugin();
    void responsePluginDone(PluginCallOutcome &&outcome);
    ExtraInfoAnswer responseExtraInfo(const Runner::ExtraInfoReq &ask);
    std::optional<QByteArray> extraInfo(const Runner::ExtraInfoReq &ask) const;
    void relay(const ClientAnswer &answer);
    // Recorded, logged (throttled), and unless degraded answered: with the plugin's _meta.error_response when
    // it has one (`plugin`: the request plugin that returned the status), else with RouteScope's error.
    void pluginFailed(const Pipeline::Fail &fail, const ExtPluginConfig *plugin);
    VarContext connectionVars(const HttpRequest &client, const HttpRequest &upstream) const;
    VarContext requestVars() const; // ctx.var now: the request as it goes upstream, the route
    bool filterAllows(const ExtPluginConfig &plugin); // its _meta.filter holds (or it has none); notes a skip
    void giveErrorResponse(ClientAnswer &answer, const ExtPluginConfig &plugin); // _meta.error_response on a status >= 400
    QByteArray hostForRunner() const;

    ExchangeIo &m_io;
    const ExchangeContext &m_context;
    QElapsedTimer m_clock;
    CapturedExchange m_record;
    bool m_capturing = false;       // false: the capture is paused, bodies are not copied
    qint64 m_bodyCap = 0;
    qint64 m_stepStartNs = 0;       // start of the plugin phase in progress
    qint64 m_writeStartNs = -1;
    bool m_streamed = false;        // the client body is the upstream body, relayed as it came
    const char *m_step = "routing"; // where it is, for "client disconnected during <step>"
    bool m_finished = false;
    After m_after = After::KeepAlive;

    bool m_keepAlive = true;
    bool m_clientIsHttp10 = false;
    bool m_headRequest = false;
    Framing m_framing = Framing::None;
    std::shared_ptr<const ConfigSnapshot> m_snapshot;
    const CompiledRoute *m_route = nullptr;            // null: none matched (the global rules still run)
    const ExtPluginConfig *m_postRespPlugin = nullptr; // the global rules', else the route's
    Phase m_phase = Phase::None;                       // the runner call in progress
    const ExtPluginConfig *m_requestPlugin = nullptr;  // RequestPlugin: which, and where to go on after it
    Pipeline::Stage m_next = Pipeline::Stage::Upstream;
    HttpRequest m_client;            // as received (for ExtraInfo: vars and ReqBody)
    HttpRequest m_upstreamRequest;   // as it goes upstream, after rewrites
    std::optional<QByteArray> m_hostOverride;
    HttpHeaders m_respHeaders;       // Rewrite.resp_headers for the client response
    QByteArray m_upstreamStatus;     // nginx's $upstream_status: "200", "502, 503" (empty: no upstream was tried)
    PostResp m_post = PostResp::Off;
    bool m_postRespPending = false;  // the head is in: the runner is to be called (next turn, or at upstreamDone())
    bool m_resumePending = false;    // ReadingBody: the upstream is to be read on (next turn)
    bool m_upstreamComplete = false;
    bool m_upstreamHasLength = false;
    qint64 m_upstreamLength = -1;    // the upstream's Content-Length, while its answer is held
    ClientAnswer m_upstreamAnswer;   // post-resp: the upstream's answer; its body holds what was read
    HttpHeaders m_upstreamHeaders;   // post-resp: the upstream's headers as received, every one of them
};
