#pragma once

#include "resourcekind.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

// APISIX's data_encryption (config.yaml apisix.data_encryption, on by default): the plugin fields its
// plugins name in `encrypt_fields` (key-auth's key, basic-auth's password, …) are kept, and shown by its
// Admin API, as base64 of AES-128-CBC (AES-256 for a 32-byte key) with a keyring entry as both key and IV (apisix/ssl.lua).
namespace DataEncryption {

// The keyring of APISIX's default config.yaml.
QStringList defaultKeyring();
QString encrypt(const QString &plain, const QString &key);
// The plain text, with the first key that opens it; nullopt when none does (a value stored plain).
std::optional<QString> decrypt(const QString &stored, const QStringList &keyring);
// The encrypt_fields of an object's plugins (pluginEncryptFields: a consumer's or a credential's by their
// consumer schema; plugin metadata, whose `id` is the plugin's name, by its metadata schema), decrypted in
// place where the keyring opens them; how many strings were. A value the keyring does not open stays.
int decryptObject(ResourceKind kind, const QString &id, QJsonObject &value, const QStringList &keyring);
// The same fields encrypted with `key`, as APISIX's Admin API keeps and answers a write (resource.lua
// check_conf encrypts after the checks; its GET decrypts again).
void encryptObject(ResourceKind kind, const QString &id, QJsonObject &value, const QString &key);

} // namespace DataEncryption
