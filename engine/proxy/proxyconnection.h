#pragma once

#include "requestparser.h"
#include "upstreamcall.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>

class ProxyWorker;
class QTcpSocket;
struct CompiledRoute;

// One client connection to the proxy port: parses requests (one at a time, so pipelined requests are
// answered in order), routes each, and relays the upstream response back, streaming the body.
class ProxyConnection : public QObject, private UpstreamSink
{
    Q_OBJECT
public:
    ProxyConnection(qintptr descriptor, ProxyWorker *worker);
    ~ProxyConnection() override;
    bool isOpen() const;

private:
    enum class Framing { None, Length, Chunked, Close };

    void onReadyRead();
    void processInput();
    void handleRequest(HttpRequest request);
    void respondLocal(int status, const QByteArray &errorMessage, bool close);
    void endExchange();
    void closeAfterFlush();
    QByteArray upstreamHead(const HttpRequest &r) const;
    QByteArray hashValue(const HttpRequest &r, const UpstreamSpec &spec) const;

    void upstreamHead(HttpResponseHead &&head, ResponseParser::BodyFraming framing, qint64 contentLength) override;
    void upstreamBody(const char *data, qsizetype size) override;
    void upstreamDone() override;
    void upstreamFailed(int status, const QString &why, bool headSent) override;
    bool upstreamCanTakeBody() const override;

    ProxyWorker *m_worker;
    QTcpSocket *m_socket;
    QHostAddress m_peer;
    quint16 m_peerPort = 0;
    quint16 m_localPort = 0;
    RequestParser m_parser;
    QByteArray m_input;
    QTimer m_idleTimer;
    QElapsedTimer m_clock;
    qint64 m_lastActivityMs = 0;
    UpstreamCall m_call;
    bool m_busy = false;
    bool m_processing = false;
    bool m_closing = false;
    bool m_keepAlive = true;
    bool m_clientIsHttp10 = false;
    Framing m_framing = Framing::None;
};
