#pragma once

#include "httpmessage.h"

#include <QByteArray>

class ConfigStore;

struct AdminReply
{
    int status = 200;
    QByteArray body; // JSON
};

// The APISIX v3 Admin API over the config store: routes, upstreams and schema validation.
// Pure request -> reply; the server around it does the I/O.
class AdminApi
{
public:
    AdminApi(ConfigStore *store, QByteArray adminKey);
    AdminReply handle(const HttpRequest &request) const;

private:
    bool authorised(const HttpRequest &request) const;

    ConfigStore *m_store;
    QByteArray m_key;
};

// Constant-time comparison for secrets.
bool secretsEqual(QByteArrayView a, QByteArrayView b);
// "line L, column C" for a byte offset into text.
QString describeOffset(const QByteArray &text, qsizetype offset);
