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
// Where two byte strings first differ; -1 when one is the other.
qsizetype firstDifference(const QByteArray &a, const QByteArray &b);
