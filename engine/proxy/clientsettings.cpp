#include "clientsettings.h"

#include <QRegularExpression>

namespace {
// nginx's time syntax for the units a timeout needs: "60", 60, "60s", "500ms", "2m".
int parseTimeMs(const QJsonValue &v, bool *ok)
{
    *ok = false;
    if (v.isDouble()) {
        const double s = v.toDouble();
        *ok = s >= 0 && s <= 86400;
        return *ok ? int(s * 1000) : 0;
    }
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d+)\\s*(ms|s|m|h)?\\s*$"));
    const QRegularExpressionMatch m = re.match(v.toString());
    if (!m.hasMatch())
        return 0;
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    const qint64 ms = unit == QLatin1String("ms") ? n
                      : unit == QLatin1String("m") ? n * 60000
                      : unit == QLatin1String("h") ? n * 3600000
                                                   : n * 1000;
    *ok = ms <= 86400000LL;
    return int(ms);
}
} // namespace

ClientSettings ClientSettings::fromJson(const QJsonObject &http, QStringList *problems)
{
    ClientSettings s;
    const auto time = [&](const char *key, int *into) {
        const QJsonValue v = http.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        bool ok = false;
        const int ms = parseTimeMs(v, &ok);
        if (ok && ms > 0)
            *into = ms;
        else
            problems->append(QStringLiteral("http.%1: expected a time such as 60, \"60s\" or \"500ms\" (kept %2 ms)")
                                 .arg(QLatin1String(key)).arg(*into));
    };
    time("client_header_timeout", &s.headerTimeoutMs);
    time("client_body_timeout", &s.bodyTimeoutMs);
    time("keepalive_timeout", &s.keepAliveTimeoutMs);
    time("send_timeout", &s.sendTimeoutMs);
    if (const QJsonValue charset = http.value(QLatin1String("charset")); !charset.isUndefined()) {
        static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]{1,40}$"));
        if (charset.isString() && pattern.match(charset.toString()).hasMatch())
            s.setCharset(charset.toString() == QLatin1String("off") ? QByteArray() : charset.toString().toLatin1());
        else
            problems->append(QStringLiteral("http.charset: expected a charset name such as \"utf-8\", or \"off\" (kept %1)")
                                 .arg(QString::fromLatin1(s.charset())));
    }
    const QJsonValue max = http.value(QLatin1String("worker_connections"));
    if (!max.isUndefined()) {
        if (max.isDouble() && max.toDouble() >= 1 && max.toDouble() <= 1000000)
            s.maxConnections = max.toInt();
        else
            problems->append(QStringLiteral("http.worker_connections: expected a number from 1 to 1000000 (kept %1)")
                                 .arg(s.maxConnections));
    }
    return s;
}

void ClientSettings::readApisix(const QJsonObject &apisix, QStringList *problems)
{
    const auto flag = [&](const char *key, bool fallback) {
        const QJsonValue v = apisix.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        if (!v.isBool()) {
            problems->append(QStringLiteral("apisix.%1: expected true or false (kept %2)").arg(QLatin1String(key), fallback ? "true" : "false"));
            return fallback;
        }
        return v.toBool();
    };
    QString version = QString::fromLatin1(kApisixVersion);
    if (const QJsonValue v = apisix.value(QLatin1String("version")); !v.isUndefined()) {
        static const QRegularExpression pattern(QStringLiteral("^[0-9A-Za-z.+~-]{1,32}$"));
        if (v.isString() && pattern.match(v.toString()).hasMatch())
            version = v.toString();
        else
            problems->append(QStringLiteral("apisix.version: expected a version such as \"3.9.1\" (kept %1)").arg(version));
    }
    serverHeader = flag("enable_server_tokens", true) ? "APISIX/" + version.toLatin1() : QByteArray("APISIX");
    m_serverNote = noteFor(serverHeader);
    upstreamStatusAlways = flag("show_upstream_status_in_response_header", false);
    addApisixHeaders = !flag("relay_as_received", false);
}

QJsonObject ClientSettings::toJson() const
{
    const auto seconds = [](int ms) {
        return ms % 1000 ? QJsonValue(QStringLiteral("%1ms").arg(ms)) : QJsonValue(QStringLiteral("%1s").arg(ms / 1000));
    };
    return QJsonObject{{QStringLiteral("client_header_timeout"), seconds(headerTimeoutMs)},
                       {QStringLiteral("client_body_timeout"), seconds(bodyTimeoutMs)},
                       {QStringLiteral("keepalive_timeout"), seconds(keepAliveTimeoutMs)},
                       {QStringLiteral("send_timeout"), seconds(sendTimeoutMs)},
                       {QStringLiteral("worker_connections"), maxConnections},
                       {QStringLiteral("charset"), m_charset.isEmpty() ? QStringLiteral("off") : QString::fromLatin1(m_charset)}};
}

void ClientSettings::setCharset(const QByteArray &charset)
{
    m_charset = charset;
    m_charsetSuffix = charset.isEmpty() ? QByteArray() : "; charset=" + charset;
    m_charsetNote = QStringLiteral("\"%1\" added to Content-Type as APISIX's nginx.conf (charset %2) does")
                        .arg(QString::fromLatin1(m_charsetSuffix), QString::fromLatin1(charset));
}
