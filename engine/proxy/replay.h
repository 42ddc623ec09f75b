#pragma once

#include "capturedexchange.h"

#include <QHostAddress>

#include <functional>

class QObject;

// Sends a captured client request again through the proxy, as a client would (its framing and
// Connection rewritten by HttpWriter::replayRequest): its exchange then reaches the capture like any
// other. `done` runs once, in `context`'s thread: with an empty text when the proxy answered, else with
// why not (connection refused, closed without an answer, no answer within `timeoutMs`).
// The proxy's own listen address is taken as given, except that a wildcard one is reached on loopback.
void replayThroughProxy(const CapturedMessage &request, QHostAddress proxy, quint16 port, QObject *context,
                        std::function<void(const QString &error)> done, int timeoutMs = 60000);
