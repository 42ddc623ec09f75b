#pragma once

#include "httpmessage.h"

#include <QHostAddress>
#include <QString>

#include <optional>

// What ExtraInfo Var questions are answered from (PROTOCOL.md section 8).
struct VarContext
{
    const HttpRequest *client = nullptr;    // as the client sent it
    const HttpRequest *upstream = nullptr;  // as it goes upstream (after rewrites)
    QHostAddress peer;
    quint16 peerPort = 0;
    QHostAddress local;
    quint16 localPort = 0;
    QString routeId;
    QString routeName;
    QByteArray upstreamHost;
    QByteArray upstreamAddr;
    int upstreamStatus = 0;                 // 0 before the upstream answered
};

// The variable's value; nullopt for an unknown name or a value that is not there.
std::optional<QByteArray> lookupVar(const VarContext &c, QByteArrayView name);
