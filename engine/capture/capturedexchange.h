#pragma once

#include "httpmessage.h"
#include "runnerframe.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <memory>

// One version of a message as the exchange saw it.
struct CapturedMessage
{
    bool present = false;
    QByteArray method;      // requests
    QByteArray target;      // requests: path and query
    int status = 0;         // responses
    QByteArray reason;      // responses
    HttpHeaders headers;
    QByteArray body;        // at most the capture's per-body cap
    qint64 bodySize = 0;    // the real size
    bool truncated() const { return bodySize > body.size(); }
};

// Durations in nanoseconds, -1 when the step did not happen.
struct ExchangeTimings
{
    qint64 routeNs = -1;
    qint64 preReqNs = -1;
    qint64 postReqNs = -1;
    qint64 connectNs = -1;     // upstream connect (not when a pooled connection was reused)
    qint64 firstByteNs = -1;   // upstream: from the call's start (connect included) to the first response byte
    qint64 upstreamNs = -1;    // upstream call, whole
    qint64 postRespNs = -1;
    qint64 writeNs = -1;       // the client response, from its first byte to its last
    qint64 totalNs = -1;
    // When each step began, from the exchange's start (for the waterfall); -1 when it did not run. A phase
    // run twice (global rules, then the route) starts at its first run and lasts the two runs together.
    qint64 preReqAtNs = -1;
    qint64 postReqAtNs = -1;
    qint64 upstreamAtNs = -1;  // connectNs and firstByteNs count from here
    qint64 postRespAtNs = -1;
    qint64 writeAtNs = -1;
    qint64 runnerNs() const;   // the three plugin phases together
};

// A completed exchange, immutable once captured: the client request, the upstream request (after the
// request-phase plugins), the upstream response ("before") and the client response ("after"), the runner
// conversation and what went wrong, with the step it went wrong in.
struct CapturedExchange
{
    quint64 id = 0;
    qint64 startedAtMs = 0;   // wall clock, ms since the epoch
    QString clientAddress;    // "127.0.0.1:53211"
    QString routeId;
    QString routeName;
    QByteArray routingPath;   // the normalised path the router matched on (nginx's $uri); the target is forwarded
    QString upstreamAddress;  // the node that answered
    CapturedMessage clientRequest;
    CapturedMessage upstreamRequest;
    CapturedMessage upstreamResponse;
    CapturedMessage clientResponse;
    QList<RunnerFrameRecord> frames;
    QStringList notes;
    QString errorStep;
    QString errorText;
    bool degraded = false;
    bool modifiedByRunner = false;
    ExchangeTimings timings;

    QByteArray host() const { return clientRequest.headers.value("host"); }
    int statusBefore() const { return upstreamResponse.present ? upstreamResponse.status : 0; }
    int statusAfter() const { return clientResponse.status; }
    bool hasError() const { return !errorText.isEmpty() || clientResponse.status >= 500; }
    qint64 memoryBytes() const; // what it costs the capture's budget
};

using ExchangePtr = std::shared_ptr<const CapturedExchange>;
Q_DECLARE_METATYPE(ExchangePtr)
