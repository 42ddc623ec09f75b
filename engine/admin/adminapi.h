#pragma once

#include "httpmessage.h"

#include <QByteArray>
#include <QString>

#include "configstore.h"

class QUrlQuery;

struct AdminReply
{
    int status = 200;
    QByteArray body; // JSON, or plain text where APISIX answers a bare string
    bool json = true;
    bool versioned = false; // a resource's answer: X-API-VERSION: v3, as APISIX 3.x sends it
};

// The APISIX v3 Admin API over the config store: routes, upstreams and schema validation.
// Pure request -> reply; the server around it does the I/O.
class AdminApi
{
public:
    AdminApi(ConfigStore *store, QByteArray adminKey);
    // Bound to a loopback address, the API answers only requests whose Host is a loopback name: a web page
    // cannot reach it through a DNS name rebound to 127.0.0.1.
    void setLoopbackOnly(bool on) { m_loopbackOnly = on; }
    // APISIX also takes the key from `?api_key=`; here only when the user turns it on (the workspace's
    // "admin_key_in_query"), as a URL with a secret in it lands in shell histories and access logs.
    void setKeyInQuery(bool on) { m_keyInQuery = on; }
    // apisix.proxy_mode "stream" or "http&stream" in production's config.yaml: only then does its Admin API
    // take stream routes (admin/init.lua); otherwise every stream_routes request is answered 400.
    void setStreamMode(bool on) { m_streamMode = on; }
    // APISIX's data_encryption (on by default): a write's answer shows the plugins' encrypt_fields
    // encrypted with this key, the first of production's keyring, as etcd keeps them; GET shows them plain,
    // as APISIX decrypts them there. Empty: shown as written (enable_encrypt_fields false).
    void setDataEncryptionKey(QString key) { m_dataKey = std::move(key); }
    AdminReply handle(const HttpRequest &request) const;
    // What can be decided on the head alone (Host on loopback, the path, the key): the refusal's status and
    // error_msg, or status 0 to read the body and go on. The server asks this before reading a body.
    // APISIX's admin/init.lua MAX_REQ_BODY: larger bodies are refused with 400 before they are read.
    static constexpr qint64 kMaxBodyBytes = 1536 * 1024;
    struct Refusal
    {
        int status = 0;
        QString message;
    };
    Refusal checkHead(const HttpRequest &head) const;

private:
    bool authorised(const HttpRequest &request) const;
    static QByteArray keyInQuery(const HttpRequest &request);
    AdminReply pluginList(const HttpRequest &request) const;
    AdminReply pluginSchema(const HttpRequest &request, const QByteArray &name) const;
    AdminReply answerWrite(ResourceKind kind, const QString &id, const ConfigStore::Outcome &outcome) const;
    AdminReply resource(ResourceKind kind, const HttpRequest &request, const QList<QByteArray> &parts) const;
    AdminReply credential(const HttpRequest &request, const QList<QByteArray> &parts) const;
    // keyPrefix: only keys that start with it ("vault/" for GET /secrets/vault).
    AdminReply list(ResourceKind kind, const QMap<QString, StoredResource> &map, const QUrlQuery &args, const QString &keyPrefix = {}) const;

    ConfigStore *m_store;
    bool m_streamMode = false;
    QString m_dataKey;
    QByteArray m_key;
    bool m_loopbackOnly = false;
    bool m_keyInQuery = false;
};

// localhost, 127.0.0.0/8 or ::1 (a Host header's host, without the port; IPv6 in brackets).
bool isLoopbackHost(const QByteArray &host);
// Constant-time comparison for secrets.
bool secretsEqual(QByteArrayView a, QByteArrayView b);
// "line L, column C" for a byte offset into text.
QString describeOffset(const QByteArray &text, qsizetype offset);
