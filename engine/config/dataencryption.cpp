#include "dataencryption.h"

#include "pluginschemas.h"

#include <QJsonArray>

#include <openssl/evp.h>

#include <functional>
#include <memory>

namespace DataEncryption {
namespace {

using Context = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// AES-CBC with `key` as key and IV (its first 16 bytes), PKCS#7 padded: AES-128 for a 16-byte key, AES-256
// for a 32-byte one (apisix/core/data_encryption.lua init_iv_tbl); nullopt for another length, or when the
// padding does not check out.
std::optional<QByteArray> crypt(const QByteArray &in, const QByteArray &key, bool encrypting)
{
    if (key.size() != 16 && key.size() != 32)
        return std::nullopt;
    Context ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    const auto *k = reinterpret_cast<const unsigned char *>(key.constData());
    const EVP_CIPHER *cipher = key.size() == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
    if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, k, k, encrypting ? 1 : 0) != 1)
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

namespace {
using Operation = std::function<std::optional<QString>(const QString &)>;

// One string through `op`; true when `op` changed it.
bool applyToString(QJsonValueRef value, const Operation &op)
{
    const std::optional<QString> out = value.isString() ? op(value.toString()) : std::nullopt;
    if (out)
        value = *out;
    return out.has_value();
}

// What `op` makes of the strings at a dotted path (apisix/plugin.lua process_encrypt_field): at the path's
// end a string, or each string of an array or of an object; on the way, each element of an array. How many
// strings it changed.
int apply(QJsonValue &value, QStringView path, const Operation &op)
{
    int changed = 0;
    if (value.isArray()) { // on the way (a leaf array is handled by its parent): each element
        QJsonArray items = value.toArray();
        for (QJsonValueRef item : items) {
            QJsonValue element = item;
            if (const int n = element.isObject() ? apply(element, path, op) : 0; n > 0) {
                item = element;
                changed += n;
            }
        }
        if (changed > 0)
            value = items;
        return changed;
    }
    if (!value.isObject())
        return 0;
    QJsonObject o = value.toObject();
    const qsizetype dot = path.indexOf(QLatin1Char('.'));
    const auto it = o.find(path.left(dot < 0 ? path.size() : dot).toString());
    if (it == o.end())
        return 0;
    QJsonValue child = it.value();
    if (dot >= 0) {
        changed = apply(child, path.mid(dot + 1), op);
    } else if (child.isString()) {
        changed = applyToString(it.value(), op) ? 1 : 0;
        child = it.value();
    } else if (child.isArray()) {
        QJsonArray items = child.toArray();
        for (QJsonValueRef item : items)
            changed += applyToString(item, op) ? 1 : 0;
        child = items;
    } else if (child.isObject()) {
        QJsonObject map = child.toObject();
        for (auto m = map.begin(); m != map.end(); ++m)
            changed += applyToString(m.value(), op) ? 1 : 0;
        child = map;
    }
    if (changed > 0) {
        it.value() = child;
        value = o;
    }
    return changed;
}

int applyToConf(const QString &plugin, QJsonValue &conf, PluginSchemaType type, const Operation &op)
{
    int n = 0;
    for (const QString &path : pluginEncryptFields(plugin, type))
        n += apply(conf, path, op);
    return n;
}

// Each encrypt_field of the object's plugins (or of the metadata itself), through `op`.
int applyToObject(ResourceKind kind, const QString &id, QJsonObject &value, const Operation &op)
{
    if (kind == ResourceKind::PluginMetadata) {
        QJsonValue conf = value;
        const int n = applyToConf(id, conf, PluginSchemaType::Metadata, op);
        value = conf.toObject();
        return n;
    }
    if (kind == ResourceKind::StreamRoute)
        return 0; // its plugins are not encrypted (stream_routes.lua has no encrypt_conf); other kinds without plugins have none to walk
    const PluginSchemaType type = kind == ResourceKind::Consumer ? PluginSchemaType::Consumer : PluginSchemaType::Conf;
    QJsonObject plugins = value.value(QStringLiteral("plugins")).toObject();
    int n = 0;
    for (auto it = plugins.begin(); it != plugins.end(); ++it) {
        QJsonValue conf = it.value();
        if (const int changed = conf.isObject() ? applyToConf(it.key(), conf, type, op) : 0; changed > 0) {
            it.value() = conf;
            n += changed;
        }
    }
    if (n > 0)
        value.insert(QStringLiteral("plugins"), plugins);
    return n;
}
} // namespace

int decryptObject(ResourceKind kind, const QString &id, QJsonObject &value, const QStringList &keyring)
{
    return applyToObject(kind, id, value, [&keyring](const QString &stored) { return decrypt(stored, keyring); });
}

void encryptObject(ResourceKind kind, const QString &id, QJsonObject &value, const QString &key)
{
    applyToObject(kind, id, value, [&key](const QString &plain) { return std::optional<QString>(encrypt(plain, key)); });
}

} // namespace DataEncryption
