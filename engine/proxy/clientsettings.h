#pragma once

#include <QJsonObject>
#include <QStringList>

// What the proxy allows its clients: nginx's directives, with APISIX's defaults (conf/config.yaml), set in
// the workspace's "http" object under the same names (seconds, as a number or "60s", "500ms", "2m").
// Every timeout is one of inactivity, never a deadline for the whole request: a slow upload that keeps
// sending is never cut.
struct ClientSettings
{
    int headerTimeoutMs = 60000;    // client_header_timeout: the head, from its first byte, whole
    int bodyTimeoutMs = 60000;      // client_body_timeout: between two reads of the body
    int keepAliveTimeoutMs = 60000; // keepalive_timeout: idle between requests (and before the first)
    int sendTimeoutMs = 10000;      // send_timeout: between two writes the client takes
    int maxConnections = 10620;     // worker_connections, for all workers together; past it, accepting waits

    // Reads the workspace's "http" object; a value it cannot use is named in `problems` and the default kept.
    static ClientSettings fromJson(const QJsonObject &http, QStringList *problems);
    QJsonObject toJson() const;
};
