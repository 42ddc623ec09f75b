#pragma once

#include "capturedexchange.h"

#include <QJsonObject>
#include <QList>

// HAR 1.2 of the exchanges as the client saw them (its request, the client response), with the
// upstream's side in the `_routescope` extension of each entry. `proxyBase` is e.g. "http://127.0.0.1:9080".
QJsonObject toHar(const QList<ExchangePtr> &exchanges, const QString &proxyBase, const QString &version);

// Reads a HAR back (a saved capture session). RouteScope's own HAR files come back whole, runner
// conversation included; other tools' HAR gives the client side only. Empty list and `error` on failure.
QList<ExchangePtr> fromHar(const QJsonObject &har, QString *error);
// The same from a file's text: JSON that does not read is an error naming its line and column.
QList<ExchangePtr> fromHarText(const QByteArray &text, QString *error);

// A curl command line that sends the captured client request again through the proxy, as-is.
QString toCurl(const CapturedExchange &e, const QString &proxyBase);

// Quotes one word for a POSIX shell.
QString shellQuote(const QString &word);
