#include "dataencryption.h"

#include <QHash>

#include <openssl/evp.h>

#include <memory>

namespace DataEncryption {
namespace {

// apisix/plugins/<name>.lua encrypt_fields, the top-level ones (a consumer's auth plugins, the limits'
// redis passwords, the OIDC-like clients' secrets).
const QHash<QString, QStringList> &encryptFields()
{
    static const QHash<QString, QStringList> fields = {
        {"key-auth", {"key"}}, {"basic-auth", {"password"}}, {"jwt-auth", {"secret"}}, {"hmac-auth", {"secret_key"}},
        {"limit-count", {"redis_password", "sentinel_password"}}, {"limit-req", {"redis_password"}},
        {"limit-conn", {"redis_password"}}, {"ai-rate-limiting", {"redis_password", "sentinel_password"}},
        {"csrf", {"key"}}, {"openid-connect", {"client_secret", "client_rsa_private_key"}},
        {"authz-keycloak", {"client_secret"}}, {"authz-casdoor", {"client_secret"}}, {"ldap-auth-advanced", {"ldap_password"}},
        {"clickhouse-logger", {"password"}}, {"http-logger", {"auth_header"}}, {"loggly", {"customer_token"}},
        {"rocketmq-logger", {"secret_key"}}, {"sls-logger", {"access_key_secret"}}, {"tencent-cloud-cls", {"secret_key"}},
        {"lago", {"token"}}, {"openwhisk", {"service_token"}}, {"jwe-decrypt", {"key", "secret"}}};
    return fields;
}

using Context = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// AES-128-CBC with `key` as key and IV, PKCS#7 padded; nullopt when the key is not 16 bytes or the
// padding does not check out.
std::optional<QByteArray> crypt(const QByteArray &in, const QByteArray &key, bool encrypting)
{
    if (key.size() != 16)
        return std::nullopt;
    Context ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    const auto *k = reinterpret_cast<const unsigned char *>(key.constData());
    if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, k, k, encrypting ? 1 : 0) != 1)
        return std::nullopt;
    QByteArray out(in.size() + 16, Qt::Uninitialized);
    int n = 0, last = 0;
    auto *o = reinterpret_cast<unsigned char *>(out.data());
    if (EVP_CipherUpdate(ctx.get(), o, &n, reinterpret_cast<const unsigned char *>(in.constData()), int(in.size())) != 1
        || EVP_CipherFinal_ex(ctx.get(), o + n, &last) != 1)
        return std::nullopt;
    out.truncate(n + last);
    return out;
}

} // namespace

QStringList defaultKeyring()
{
    return {QStringLiteral("qeddd145sfvddff3"), QStringLiteral("edd1c9f0985e76a2")};
}

QString encrypt(const QString &plain, const QString &key)
{
    const std::optional<QByteArray> sealed = crypt(plain.toUtf8(), key.toUtf8(), true);
    return sealed ? QString::fromLatin1(sealed->toBase64()) : plain;
}

std::optional<QString> decrypt(const QString &stored, const QStringList &keyring)
{
    const auto decoded = QByteArray::fromBase64Encoding(stored.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (stored.isEmpty() || !decoded || decoded.decoded.isEmpty() || decoded.decoded.size() % 16)
        return std::nullopt;
    for (const QString &key : keyring) {
        const std::optional<QByteArray> plain = crypt(decoded.decoded, key.toUtf8(), false);
        // (a wrong key gives garbage that its padding check nearly always refuses; text it is not, then)
        if (plain && QString::fromUtf8(*plain).toUtf8() == *plain)
            return QString::fromUtf8(*plain);
    }
    return std::nullopt;
}

int decryptPlugins(QJsonObject &plugins, const QStringList &keyring)
{
    int opened = 0;
    for (auto it = plugins.begin(); it != plugins.end(); ++it) {
        const auto fields = encryptFields().constFind(it.key());
        if (fields == encryptFields().cend() || !it.value().isObject())
            continue;
        QJsonObject conf = it.value().toObject();
        for (const QString &field : *fields)
            if (const std::optional<QString> plain = decrypt(conf.value(field).toString(), keyring)) {
                conf.insert(field, *plain);
                ++opened;
            }
        it.value() = conf;
    }
    return opened;
}

} // namespace DataEncryption
