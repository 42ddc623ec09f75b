#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

// What the proxy allows its clients: nginx's directives, with APISIX's defaults (conf/config.yaml), set in
// the workspace's "http" object under the same names (seconds, as a number or "60s", "500ms", "2m").
// Every timeout is one of inactivity, never a deadline for the whole request: a slow upload that keeps
// sending is never cut.
struct ClientSettings
{
    ClientSettings() { setCharset("utf-8"); }
    int headerTimeoutMs = 60000;    // client_header_timeout: the head, from its first byte, whole
    int bodyTimeoutMs = 60000;      // client_body_timeout: between two reads of the body
    int keepAliveTimeoutMs = 60000; // keepalive_timeout: idle between requests (and before the first)
    int sendTimeoutMs = 10000;      // send_timeout: between two writes the client takes
    int maxConnections = 10620;     // worker_connections, for all workers together; past it, accepting waits

    // What APISIX adds to every response (apisix/init.lua http_header_filter_phase), from the workspace's
    // "apisix" object: `Server: APISIX/<version>` (just "APISIX" with enable_server_tokens false) in place of
    // the upstream's, and X-APISIX-Upstream-Status when the upstream answered 5xx (every status with
    // show_upstream_status_in_response_header). relay_as_received: true adds neither.
    QByteArray serverHeader = QByteArrayLiteral("APISIX/") + kApisixVersion;
    // nginx's `charset` as APISIX's nginx.conf sets it (http.charset, default utf-8; "off": none): appended
    // to a text Content-Type without one (see takesCharset()). Empty: off.
    const QByteArray &charset() const { return m_charset; }
    void setCharset(const QByteArray &charset);
    const QByteArray &charsetSuffix() const { return m_charsetSuffix; } // "; charset=utf-8"
    const QString &charsetNote() const { return m_charsetNote; }
    bool upstreamStatusAlways = false;
    bool addApisixHeaders = true;
    static constexpr const char *kApisixVersion = "3.18.0"; // the apache/apisix whose behaviour is followed
    // "Server: APISIX/3.18.0 added as APISIX does", the exchange's note.
    const QString &serverNote() const { return m_serverNote; }

    // Reads the workspace's "http" object; a value it cannot use is named in `problems` and the default kept.
    static ClientSettings fromJson(const QJsonObject &http, QStringList *problems);
    // Reads the workspace's "apisix" object (enable_server_tokens, version,
    // show_upstream_status_in_response_header, relay_as_received) into these settings.
    void readApisix(const QJsonObject &apisix, QStringList *problems);
    QJsonObject toJson() const;

private:
    static QString noteFor(const QByteArray &server) { return QStringLiteral("Server: %1 added as APISIX does").arg(QString::fromLatin1(server)); }
    QString m_serverNote = noteFor(serverHeader);
    QByteArray m_charset;
    QByteArray m_charsetSuffix;
    QString m_charsetNote;
};
