#pragma once

#include "capturedexchange.h"

#include <QJsonObject>
#include <QList>

// HAR 1.2 of the exchanges as the client saw them (its request, the client response), with the
// upstream's side in the `_routescope` extension of each entry. `proxyBase` is e.g. "http://127.0.0.1:9080".
QJsonObject toHar(const QList<ExchangePtr> &exchanges, const QString &proxyBase, const QString &version);

// A curl command line that sends the captured client request again through the proxy, as-is.
QString toCurl(const CapturedExchange &e, const QString &proxyBase);

// Quotes one word for a POSIX shell.
QString shellQuote(const QString &word);
