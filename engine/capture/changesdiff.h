#pragma once

#include "capturedexchange.h"
#include "textdiff.h"

// What the Changes view shows, computed apart from any widget so that it can run off the GUI thread:
// the upstream response ("before") against the client response ("after"), then the client request against
// the upstream request (what the pre-req / post-req runners and the proxy changed), headers and body diffed
// line by line. Bodies too large to diff in good time are compared byte by byte instead, and the answer says
// where they first differ.
struct ChangeSection
{
    QString title;           // "Status and headers", "Body"
    QList<DiffRow> rows;     // empty when not diffed line by line
    int changedRows = 0;
    QString summary;         // "identical", "3 line(s) differ", "bodies differ (…), first difference at offset K"
};

struct ExchangeChanges
{
    QStringList notes;       // the exchange's notes (what the runner did, what APISIX semantics changed)
    QString absent;          // why there is nothing to compare, when there is no upstream response
    QList<ChangeSection> sections;
};

struct ChangesLimits
{
    qsizetype maxDiffBytes = 256 * 1024;  // per side, of the readable body text
    qsizetype maxDiffLines = 10000;       // per side
};

ExchangeChanges computeChanges(const CapturedExchange &e, const ChangesLimits &limits = {});
// Two exchanges side by side (Fiddler's Compare): `a` on the left, `b` on the right, each message of the
// one against the same message of the other (client request, upstream request, upstream response, client
// response: start line and headers, then body), after a line each of route, node, outcome and timing. The
// notes say in a line each what differs; a message only one exchange has is said, not diffed.
ExchangeChanges compareExchanges(const CapturedExchange &a, const CapturedExchange &b, const ChangesLimits &limits = {});
// Where two byte strings first differ; -1 when one is the other.
qsizetype firstDifference(const QByteArray &a, const QByteArray &b);
