#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

// APISIX's data_encryption (config.yaml apisix.data_encryption, on by default): the plugin fields its
// plugins name in `encrypt_fields` (key-auth's key, basic-auth's password, …) are kept, and shown by its
// Admin API, as base64 of AES-128-CBC with a keyring entry as both key and IV (apisix/ssl.lua).
namespace DataEncryption {

// The keyring of APISIX's default config.yaml.
QStringList defaultKeyring();
QString encrypt(const QString &plain, const QString &key);
// The plain text, with the first key that opens it; nullopt when none does (a value stored plain).
std::optional<QString> decrypt(const QString &stored, const QStringList &keyring);
// The encrypt_fields of each plugin in `plugins` (a route's, a consumer's, ...), decrypted in place where
// the keyring opens them; how many were.
int decryptPlugins(QJsonObject &plugins, const QStringList &keyring);

} // namespace DataEncryption
