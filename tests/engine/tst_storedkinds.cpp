// Issue 13: consumers, consumer groups, ssls, protos, secrets and plugin metadata through the Admin API,
// each case named after the APISIX test (t/admin/*.t) whose status and error text it reproduces.
#include "adminsync.h"
#include "configexport.h"
#include "configimport.h"
#include "configstore.h"
#include "dataencryption.h"
#include "testhttp.h"
#include "workspace.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {
QJsonObject jsonOf(const TestResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

QByteArray body(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString pem(const char *name)
{
    QFile f(QStringLiteral(ROUTESCOPE_TEST_DATA "/") + QLatin1String(name));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()) : QString();
}

QJsonObject keyAuth(const QString &key)
{
    return {{"key-auth", QJsonObject{{"key", key}}}};
}
} // namespace

class TestStoredKinds : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void apisixTestCases_data();
    void apisixTestCases();
    void sslKeysAreNeverAnswered();
    void keysOfEachKind();
    void exchangeSaysWhatIsNotRun();
    void forcedDeleteOfWhatARouteNames();
    void exportAndImportKeepThem();
    void streamRoutes();
    void encryptedFieldsComeBackPlain();
    void writesAnswerEncryptedFields();

private:
    QString m_cert, m_key;
};

void TestStoredKinds::initTestCase()
{
    m_cert = pem("test-cert.pem");
    m_key = pem("test-key.pem");
    QVERIFY(m_cert.size() > 128);
    QVERIFY(m_key.size() > 64);
}

void TestStoredKinds::apisixTestCases_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("answer"); // error_msg; for 2xx the key answered
    const QString cert = pem("test-cert.pem"), key = pem("test-key.pem");
    const QByteArray put = "PUT";
    // services.lua check_conf: its script compiles (LuaJIT's words, as loadstring gives them)
    QTest::newRow("services: a script that does not compile") << put << QByteArray("/apisix/admin/services/lua")
        << body({{"script", "return {1, 2"}}) << 400
        << QStringLiteral("failed to load 'script' string: [string \"return {1, 2\"]:1: '}' expected near '<eof>'");
    // consumers.t, consumers2.t
    QTest::newRow("consumers.t: username required") << put << QByteArray("/apisix/admin/consumers") << body({{"desc", "x"}}) << 400
        << QStringLiteral("invalid configuration: property \"username\" is required");
    QTest::newRow("consumers.t: POST is not supported") << QByteArray("POST") << QByteArray("/apisix/admin/consumers")
        << body({{"username", "tom"}}) << 405 << QStringLiteral("not supported `POST` method for consumer");
    QTest::newRow("consumers.lua: PATCH is not supported") << QByteArray("PATCH") << QByteArray("/apisix/admin/consumers/jack")
        << body({{"desc", "x"}}) << 405 << QStringLiteral("not supported `PATCH` method for consumer");
    QTest::newRow("consumers.t: duplicate key-auth key") << put << QByteArray("/apisix/admin/consumers")
        << body({{"username", "case_b"}, {"plugins", keyAuth("auth-one")}}) << 400
        << QStringLiteral("duplicate key of plugin key-auth found with consumer: jack");
    QTest::newRow("consumers.t: the same consumer keeps its key") << put << QByteArray("/apisix/admin/consumers")
        << body({{"username", "jack"}, {"group_id", "cg1"}, {"plugins", keyAuth("auth-one")}}) << 200 << QStringLiteral("/apisix/consumers/jack");
    QTest::newRow("consumers.t: duplicate basic-auth username") << put << QByteArray("/apisix/admin/consumers/case_d")
        << body({{"username", "case_d"}, {"plugins", QJsonObject{{"basic-auth", QJsonObject{{"username", "jack-b"}, {"password", "p"}}}}}}) << 400
        << QStringLiteral("duplicate username of plugin basic-auth found with consumer: jack");
    QTest::newRow("consumers2.t: wrong username") << put << QByteArray("/apisix/admin/consumers/jack") << body({{"username", "tom"}}) << 400
        << QStringLiteral("wrong username");
    QTest::newRow("consumers.t: label value a table") << put << QByteArray("/apisix/admin/consumers")
        << body({{"username", "t"}, {"labels", QJsonObject{{"env", QJsonArray{"a"}}}}}) << 400
        << QStringLiteral("invalid configuration: property \"labels\" validation failed: failed to validate env (matching \".*\"): wrong type: expected string, got table");
    QTest::newRow("consumers.lua: a group that does not exist") << put << QByteArray("/apisix/admin/consumers")
        << body({{"username", "t"}, {"group_id", "nope"}}) << 400
        << QStringLiteral("failed to fetch consumer group info by consumer group id [nope], response code: 404");
    QTest::newRow("schema_def.lua: username pattern") << put << QByteArray("/apisix/admin/consumers") << body({{"username", "a b"}}) << 400
        << QStringLiteral("invalid configuration: property \"username\" validation failed: failed to match pattern \"^[a-zA-Z0-9_\\\\-]+$\" with \"a b\"");
    QTest::newRow("consumers.t: PUT a consumer") << put << QByteArray("/apisix/admin/consumers") << body({{"username", "tom"}}) << 201
        << QStringLiteral("/apisix/consumers/tom");
    // credentials.t (the fixture's jack has key-auth "auth-one" and a credential cred-a with key-auth "cred-key")
    QTest::newRow("credentials.t: a consumer that is not there") << put << QByteArray("/apisix/admin/consumers/nobody/credentials/c")
        << body({{"plugins", keyAuth("x")}}) << 404 << QStringLiteral("consumer not found");
    QTest::newRow("credentials.t 13: the credentials of a consumer that is gone") << QByteArray("GET") << QByteArray("/apisix/admin/consumers/tom/credentials")
        << QByteArray() << 404 << QStringLiteral("Key not found");
    QTest::newRow("credentials.t: a credential that is not there") << QByteArray("GET") << QByteArray("/apisix/admin/consumers/jack/credentials/nope")
        << QByteArray() << 404 << QStringLiteral("Key not found");
    QTest::newRow("credentials.t: only auth plugins") << put << QByteArray("/apisix/admin/consumers/jack/credentials/c")
        << body({{"plugins", QJsonObject{{"limit-count", QJsonObject{{"count", 1}, {"time_window", 60}}}}}}) << 400
        << QStringLiteral("only supports auth type plugins in consumer credential");
    QTest::newRow("credentials.t: one plugin per credential") << put << QByteArray("/apisix/admin/consumers/jack/credentials/c")
        << body({{"plugins", QJsonObject{{"key-auth", QJsonObject{{"key", "k"}}}, {"jwt-auth", QJsonObject{{"key", "j"}}}}}}) << 400
        << QStringLiteral("invalid configuration: property \"plugins\" validation failed: expect object to have at most 1 properties");
    QTest::newRow("credentials.t: missing credential id") << put << QByteArray("/apisix/admin/consumers/jack/credentials")
        << body({{"plugins", keyAuth("k")}}) << 400 << QStringLiteral("missing credential id");
    QTest::newRow("credentials.t: a credential with its consumer's key") << put << QByteArray("/apisix/admin/consumers/jack/credentials/c")
        << body({{"plugins", keyAuth("auth-one")}}) << 400 << QStringLiteral("duplicate key of plugin key-auth found with consumer: jack");
    QTest::newRow("credentials.t: a consumer with a credential's key") << put << QByteArray("/apisix/admin/consumers")
        << body({{"username", "bob"}, {"plugins", keyAuth("cred-key")}}) << 400
        << QStringLiteral("duplicate key of plugin key-auth found with credential: cred-a of consumer: jack");
    QTest::newRow("credentials.lua: POST is not supported") << QByteArray("POST") << QByteArray("/apisix/admin/consumers/jack/credentials")
        << body({{"plugins", keyAuth("k")}}) << 405 << QStringLiteral("not supported `POST` method for credential");
    QTest::newRow("credentials.t: the same credential again") << put << QByteArray("/apisix/admin/consumers/jack/credentials/cred-a")
        << body({{"desc", "again"}, {"plugins", keyAuth("cred-key")}}) << 200 << QStringLiteral("/apisix/consumers/jack/credentials/cred-a");
    QTest::newRow("credentials.t: PUT a credential") << put << QByteArray("/apisix/admin/consumers/jack/credentials/c2")
        << body({{"plugins", QJsonObject{{"basic-auth", QJsonObject{{"username", "the-new-user"}, {"password", "p"}}}}}}) << 201
        << QStringLiteral("/apisix/consumers/jack/credentials/c2");
    // The auth plugins' consumer_schema (key-auth.t, basic-auth.t, hmac-auth.t, jwt-auth.t)
    const QString pluginErr = QStringLiteral("invalid plugins configuration: failed to check the configuration of plugin %1 err: %2");
    const auto consumerWith = [](const QJsonObject &plugins) { return body({{"username", "foo"}, {"plugins", plugins}}); };
    QTest::newRow("key-auth.t TEST 9: add consumer with empty key") << put << QByteArray("/apisix/admin/consumers")
        << consumerWith({{"key-auth", QJsonObject{}}}) << 400 << pluginErr.arg("key-auth", "property \"key\" is required");
    QTest::newRow("basic-auth.t: missing password") << put << QByteArray("/apisix/admin/consumers")
        << consumerWith({{"basic-auth", QJsonObject{{"username", "foo"}}}}) << 400 << pluginErr.arg("basic-auth", "property \"password\" is required");
    QTest::newRow("hmac-auth.t TEST 2: missing secret key") << put << QByteArray("/apisix/admin/consumers")
        << consumerWith({{"hmac-auth", QJsonObject{{"key_id", "user-key"}}}}) << 400 << pluginErr.arg("hmac-auth", "property \"secret_key\" is required");
    QTest::newRow("hmac-auth.t: missing key_id") << put << QByteArray("/apisix/admin/consumers")
        << consumerWith({{"hmac-auth", QJsonObject{{"secret_key", "skey"}}}}) << 400 << pluginErr.arg("hmac-auth", "property \"key_id\" is required");
    QTest::newRow("hmac-auth.t: key_id too long") << put << QByteArray("/apisix/admin/consumers")
        << consumerWith({{"hmac-auth", QJsonObject{{"key_id", QString(320, 'k')}, {"secret_key", "skey"}}}}) << 400
        << pluginErr.arg("hmac-auth", "property \"key_id\" validation failed: string too long, expected at most 256, got 320");
    QTest::newRow("jwt-auth.t TEST 49: RS256 without public_key") << put << QByteArray("/apisix/admin/consumers")
        << consumerWith({{"jwt-auth", QJsonObject{{"key", "user-key-res256"}, {"algorithm", "RS256"}}}}) << 400
        << pluginErr.arg("jwt-auth", "failed to validate dependent schema for \"algorithm\": value should match only one schema, but matches none");
    QTest::newRow("jwt-auth.t: RS256 with its public_key") << put << QByteArray("/apisix/admin/consumers")
        << consumerWith({{"jwt-auth", QJsonObject{{"key", "user-key-rs"}, {"algorithm", "RS256"}, {"public_key", "-----BEGIN PUBLIC KEY-----"}}}})
        << 201 << QStringLiteral("/apisix/consumers/foo");
    QTest::newRow("jwt-auth.t: HS256 with a secret") << put << QByteArray("/apisix/admin/consumers/foo")
        << consumerWith({{"jwt-auth", QJsonObject{{"key", "user-key"}, {"secret", "my-secret-key"}}}}) << 201 << QStringLiteral("/apisix/consumers/foo");
    QTest::newRow("credentials.lua: a credential's plugin is checked the same way") << put << QByteArray("/apisix/admin/consumers/jack/credentials/c3")
        << body({{"plugins", QJsonObject{{"key-auth", QJsonObject{{"key", 1}}}}}}) << 400
        << pluginErr.arg("key-auth", "property \"key\" validation failed: wrong type: expected string, got number");
    // consumer-group.t, consumer-group-force-delete.t
    QTest::newRow("consumer-group.t: labels a string") << put << QByteArray("/apisix/admin/consumer_groups/2")
        << body({{"plugins", QJsonObject()}, {"labels", "a"}}) << 400
        << QStringLiteral("invalid configuration: property \"labels\" validation failed: wrong type: expected object, got string");
    QTest::newRow("consumer-group.t: delete a group in use") << QByteArray("DELETE") << QByteArray("/apisix/admin/consumer_groups/cg1")
        << QByteArray() << 400 << QStringLiteral("can not delete this consumer group, consumer [jack] is still using it now");
    QTest::newRow("consumer-group-force-delete.t: force=true") << QByteArray("DELETE") << QByteArray("/apisix/admin/consumer_groups/cg1?force=true")
        << QByteArray() << 200 << QString();
    QTest::newRow("consumer_group.lua: POST is not supported") << QByteArray("POST") << QByteArray("/apisix/admin/consumer_groups")
        << body({{"plugins", QJsonObject()}}) << 405 << QStringLiteral("not supported `POST` method for consumer group");
    QTest::newRow("consumer-group.t: plugins required") << put << QByteArray("/apisix/admin/consumer_groups/2") << body({{"desc", "x"}}) << 400
        << QStringLiteral("invalid configuration: property \"plugins\" is required");
    // ssl.t, ssl2.t
    QTest::newRow("ssl.t: no sni") << put << QByteArray("/apisix/admin/ssls/2") << body({{"cert", cert}, {"key", key}}) << 400
        << QStringLiteral("invalid configuration: then clause did not match");
    QTest::newRow("ssl2.t: a cert that does not parse") << put << QByteArray("/apisix/admin/ssls/2")
        << body({{"cert", QString(130, QLatin1Char('a'))}, {"key", key}, {"sni", "test.com"}}) << 400
        << QStringLiteral("failed to parse cert: PEM_read_bio_X509_AUX() failed");
    QTest::newRow("ssl2.t: a key that does not parse") << put << QByteArray("/apisix/admin/ssls/2")
        << body({{"cert", cert}, {"key", QString(70, QLatin1Char('a'))}, {"sni", "test.com"}}) << 400
        << QStringLiteral("failed to parse key: PEM_read_bio_PrivateKey() failed");
    QTest::newRow("ssl2.t: a pair in certs that does not parse") << put << QByteArray("/apisix/admin/ssls/2")
        << body({{"cert", cert}, {"key", key}, {"sni", "test.com"}, {"certs", QJsonArray{QString(130, QLatin1Char('a'))}}, {"keys", QJsonArray{key}}}) << 400
        << QStringLiteral("failed to handle cert-key pair[1]: failed to parse cert: PEM_read_bio_X509_AUX() failed");
    QTest::newRow("ssl.t: certs item too short") << put << QByteArray("/apisix/admin/ssls/2")
        << body({{"cert", cert}, {"key", key}, {"sni", "test.com"}, {"certs", QJsonArray{QString(29, QLatin1Char('a'))}}, {"keys", QJsonArray{key}}}) << 400
        << QStringLiteral("invalid configuration: property \"certs\" validation failed: failed to validate item 1: string too short, expected at least 128, got 29");
    QTest::newRow("ssl2.t: snis empty") << put << QByteArray("/apisix/admin/ssls/2")
        << body({{"cert", cert}, {"key", key}, {"snis", QJsonArray()}}) << 400
        << QStringLiteral("invalid configuration: property \"snis\" validation failed: expect array to have at least 1 items");
    QTest::newRow("ssl.lua: mismatched certs and keys") << put << QByteArray("/apisix/admin/ssls/2")
        << body({{"cert", cert}, {"key", key}, {"sni", "test.com"}, {"certs", QJsonArray{cert}}}) << 400
        << QStringLiteral("mismatched number of certs and keys");
    QTest::newRow("ssl.t: PUT an ssl") << put << QByteArray("/apisix/admin/ssls/2")
        << body({{"cert", cert}, {"key", key}, {"snis", QJsonArray{"test.com", "*.test.com"}}}) << 201 << QStringLiteral("/apisix/ssls/2");
    QTest::newRow("ssl.t: a client certificate needs no sni") << put << QByteArray("/apisix/admin/ssls/3")
        << body({{"cert", cert}, {"key", key}, {"type", "client"}}) << 201 << QStringLiteral("/apisix/ssls/3");
    // protos.t, protos-force-delete.t
    QTest::newRow("protos-force-delete.t: delete a proto a route uses") << QByteArray("DELETE") << QByteArray("/apisix/admin/protos/1")
        << QByteArray() << 400 << QStringLiteral("can not delete this proto, route [4] is still using it now");
    QTest::newRow("protos-force-delete.t: force=true") << QByteArray("DELETE") << QByteArray("/apisix/admin/protos/1?force=true")
        << QByteArray() << 200 << QString();
    QTest::newRow("proto.lua: PATCH is not supported") << QByteArray("PATCH") << QByteArray("/apisix/admin/protos/1")
        << body({{"desc", "x"}}) << 405 << QStringLiteral("not supported `PATCH` method for proto");
    QTest::newRow("schema_def.lua: proto content required") << put << QByteArray("/apisix/admin/protos/2") << body({{"name", "x"}}) << 400
        << QStringLiteral("invalid configuration: property \"content\" is required");
    // secrets.t
    QTest::newRow("secrets.t 6: PATCH without id") << QByteArray("PATCH") << QByteArray("/apisix/admin/secrets/vault") << QByteArray("{}") << 400
        << QStringLiteral("no secret id");
    QTest::newRow("secrets.t 8: an invalid uri") << put << QByteArray("/apisix/admin/secrets/vault/test1")
        << body({{"uri", "/get"}, {"prefix", "apisix"}, {"token", "apisix"}}) << 400
        << QStringLiteral("invalid configuration: property \"uri\" validation failed: failed to match pattern "
                          "\"^[^\\\\/]+:\\\\/\\\\/([\\\\da-zA-Z.-]+|\\\\[[\\\\da-fA-F:]+\\\\])(:\\\\d+)?\" with \"/get\"");
    QTest::newRow("secrets.lua: an unknown manager") << put << QByteArray("/apisix/admin/secrets/foo/1") << QByteArray("{}") << 400
        << QStringLiteral("invalid secret manager: foo");
    QTest::newRow("secrets.t: vault needs a token") << put << QByteArray("/apisix/admin/secrets/vault/2")
        << body({{"uri", "http://127.0.0.1:8200"}, {"prefix", "kv"}}) << 400 << QStringLiteral("invalid configuration: property \"token\" is required");
    QTest::newRow("secrets.t: PUT a secret") << put << QByteArray("/apisix/admin/secrets/vault/test1")
        << body({{"uri", "http://127.0.0.1:12800/get"}, {"prefix", "apisix"}, {"token", "apisix"}}) << 201 << QStringLiteral("/apisix/secrets/vault/test1");
    QTest::newRow("secrets.lua: POST is not supported") << QByteArray("POST") << QByteArray("/apisix/admin/secrets")
        << QByteArray("{}") << 405 << QStringLiteral("not supported `POST` method for secret");
    // plugin-metadata.t
    QTest::newRow("plugin-metadata.t: missing plugin name") << put << QByteArray("/apisix/admin/plugin_metadata") << QByteArray("{}") << 400
        << QStringLiteral("missing plugin name");
    QTest::newRow("plugin-metadata.t: invalid plugin name") << put << QByteArray("/apisix/admin/plugin_metadata/test") << QByteArray("{}") << 400
        << QStringLiteral("invalid plugin name");
    QTest::newRow("plugin-metadata.t: PUT http-logger's") << put << QByteArray("/apisix/admin/plugin_metadata/http-logger")
        << body({{"log_format", QJsonObject{{"host", "$host"}}}}) << 201 << QStringLiteral("/apisix/plugin_metadata/http-logger");
    QTest::newRow("splunk-hec-logging.t: metadata log_format a string") << put << QByteArray("/apisix/admin/plugin_metadata/splunk-hec-logging")
        << body({{"log_format", "$host"}}) << 400
        << QStringLiteral("invalid configuration: property \"log_format\" validation failed: wrong type: expected object, got string");
    QTest::newRow("batch-processor-manager.lua: max_pending_entries 0") << put << QByteArray("/apisix/admin/plugin_metadata/kafka-logger")
        << body({{"max_pending_entries", 0}}) << 400
        << QStringLiteral("invalid configuration: property \"max_pending_entries\" validation failed: expected 0 to be at least 1");
    QTest::newRow("file-logger.lua metadata_schema: a path and a log_format") << put << QByteArray("/apisix/admin/plugin_metadata/file-logger")
        << body({{"path", "logs/file.log"}, {"log_format", QJsonObject{{"host", "$host"}}}}) << 201 << QStringLiteral("/apisix/plugin_metadata/file-logger");
    QTest::newRow("plugin-metadata.t 8: example-plugin's without ikey") << put << QByteArray("/apisix/admin/plugin_metadata/example-plugin")
        << body({{"skey", "val"}}) << 400 << QStringLiteral("invalid configuration: property \"ikey\" is required");
    QTest::newRow("plugin-metadata.t 1: example-plugin's") << put << QByteArray("/apisix/admin/plugin_metadata/example-plugin")
        << body({{"skey", "val"}, {"ikey", 1}}) << 201 << QStringLiteral("/apisix/plugin_metadata/example-plugin");
    QTest::newRow("datadog.lua metadata_schema: a tag ending in a colon") << put << QByteArray("/apisix/admin/plugin_metadata/datadog")
        << body({{"constant_tags", QJsonArray{"env:prod", "source:"}}}) << 400
        << QStringLiteral("invalid configuration: property \"constant_tags\" validation failed: failed to validate item 2: failed to match pattern \"^[\\p{L}][\\p{L}\\p{N}_.:/-]*(?<!:)$\" with \"source:\"");
    QTest::newRow("loggly.lua metadata_schema: protocol") << put << QByteArray("/apisix/admin/plugin_metadata/loggly")
        << body({{"protocol", "tcp"}}) << 400 << QStringLiteral("invalid configuration: property \"protocol\" validation failed: matches none of the enum values");
    QTest::newRow("consumers.lua: a consumer's limit-count against its schema") << put << QByteArray("/apisix/admin/consumers")
        << body({{"username", "jill"}, {"plugins", QJsonObject{{"limit-count", QJsonObject{{"count", 0}, {"time_window", 60}}}}}}) << 400
        << QStringLiteral("invalid plugins configuration: failed to check the configuration of plugin limit-count err: property \"count\" validation failed: value should match only one schema, but matches none");
    QTest::newRow("plugin_metadata.lua: POST is not supported") << QByteArray("POST") << QByteArray("/apisix/admin/plugin_metadata")
        << QByteArray("{}") << 405 << QStringLiteral("not supported `POST` method for plugin_metadata");
}

void TestStoredKinds::apisixTestCases()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, answer);
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/consumer_groups/cg1", "{\"plugins\":{}}"), 201);
    QCOMPARE(engine.put("/apisix/admin/consumers", ::body({{"username", "jack"}, {"group_id", "cg1"},
                                                          {"plugins", QJsonObject{{"key-auth", QJsonObject{{"key", "auth-one"}}},
                                                                                  {"basic-auth", QJsonObject{{"username", "jack-b"}, {"password", "p"}}}}}})), 201);
    QCOMPARE(engine.put("/apisix/admin/consumers/jack/credentials/cred-a", ::body({{"plugins", keyAuth("cred-key")}})), 201);
    QCOMPARE(engine.put("/apisix/admin/protos/1", ::body({{"content", "syntax = \"proto3\";\npackage helloworld;\n"}})), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/4", ::body({{"uri", "/grpctest"}, {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1980", 1}}}}},
                                                          {"plugins", QJsonObject{{"grpc-transcode", QJsonObject{{"proto_id", "1"}, {"service", "helloworld.Greeter"}, {"method", "SayHello"}}}}}})), 201);
    const TestResponse r = engine.admin(method, path, body);
    QCOMPARE(r.status, status);
    if (status >= 400)
        QCOMPARE(jsonOf(r).value("error_msg").toString(jsonOf(r).value("message").toString()), answer);
    else if (!answer.isEmpty())
        QCOMPARE(jsonOf(r).value("key").toString(), answer);
    const auto snap = engine.store().snapshot();
    if (status >= 400) { // nothing of a refused write is stored
        QCOMPARE(snap->consumers.keys(), (QStringList{"jack", "jack/credentials/cred-a"}));
        QCOMPARE(snap->consumerGroups.keys(), QStringList{"cg1"});
        QCOMPARE(snap->protos.keys(), QStringList{"1"});
        QVERIFY(snap->ssls.isEmpty() && snap->secrets.isEmpty() && snap->pluginMetadata.isEmpty());
    }
}

void TestStoredKinds::sslKeysAreNeverAnswered()
{
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/ssls/1", body({{"cert", m_cert}, {"key", m_key}, {"sni", "test.com"}, {"certs", QJsonArray{m_cert}}, {"keys", QJsonArray{m_key}}})), 201);
    // apisix/admin/resource.lua get: "not return private key for security", in a GET of one and in a list.
    TestResponse r = engine.admin("GET", "/apisix/admin/ssls/1");
    QCOMPARE(r.status, 200);
    const QJsonObject one = jsonOf(r).value("value").toObject();
    QCOMPARE(one.value("cert").toString(), m_cert);
    QVERIFY(!one.contains("key") && !one.contains("keys"));
    r = engine.admin("GET", "/apisix/admin/ssls");
    const QJsonObject listed = jsonOf(r).value("list").toArray().first().toObject().value("value").toObject();
    QVERIFY(listed.contains("cert") && !listed.contains("key") && !listed.contains("keys"));
    QVERIFY(!r.body.contains("PRIVATE KEY"));
    // The store keeps the key: it is exported for production.
    QCOMPARE(engine.store().snapshot()->ssls.value("1").value.value("key").toString(), m_key);
}

void TestStoredKinds::keysOfEachKind()
{
    TestEngine engine;
    // A consumer's key is its username and its value has no id; plugin metadata's is the plugin's name,
    // with no timestamps; a secret's is <manager>/<id>, also its value's id (apisix/admin/resource.lua).
    TestResponse r = engine.admin("PUT", "/apisix/admin/consumers/tom", body({{"username", "tom"}}));
    QCOMPARE(r.status, 201);
    QVERIFY(!jsonOf(r).value("value").toObject().contains("id"));
    QVERIFY(jsonOf(r).value("value").toObject().contains("create_time"));
    r = engine.admin("PUT", "/apisix/admin/plugin_metadata/http-logger", body({{"log_format", QJsonObject{{"host", "$host"}}}}));
    QCOMPARE(jsonOf(r).value("value").toObject().value("id").toString(), QStringLiteral("http-logger"));
    QVERIFY(!jsonOf(r).value("value").toObject().contains("create_time"));
    r = engine.admin("PUT", "/apisix/admin/secrets/aws/1", body({{"access_key_id", "a"}, {"secret_access_key", "s"}}));
    QCOMPARE(r.status, 201);
    QCOMPARE(jsonOf(r).value("value").toObject().value("id").toString(), QStringLiteral("aws/1"));
    QCOMPARE(engine.put("/apisix/admin/secrets/vault/1", body({{"uri", "http://v:8200"}, {"prefix", "kv"}, {"token", "t"}})), 201);
    r = engine.admin("PATCH", "/apisix/admin/secrets/vault/1", body({{"token", "t2"}}));
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonOf(r).value("value").toObject().value("token").toString(), QStringLiteral("t2"));
    r = engine.admin("GET", "/apisix/admin/secrets/vault/1");
    QCOMPARE(jsonOf(r).value("key").toString(), QStringLiteral("/apisix/secrets/vault/1"));
    r = engine.admin("GET", "/apisix/admin/secrets");
    QCOMPARE(jsonOf(r).value("total").toInt(), 2);
    r = engine.admin("GET", "/apisix/admin/secrets/vault"); // the manager's own
    QCOMPARE(jsonOf(r).value("total").toInt(), 1);
    // A credential lives under its consumer: listed there, not among the consumers, and gone with it.
    QCOMPARE(engine.put("/apisix/admin/consumers/tom/credentials/k1", body({{"plugins", keyAuth("tom-key")}})), 201);
    r = engine.admin("GET", "/apisix/admin/consumers/tom/credentials/k1");
    QCOMPARE(jsonOf(r).value("value").toObject().value("id").toString(), QStringLiteral("k1"));
    QCOMPARE(jsonOf(r).value("key").toString(), QStringLiteral("/apisix/consumers/tom/credentials/k1"));
    QCOMPARE(jsonOf(engine.admin("GET", "/apisix/admin/consumers")).value("total").toInt(), 1);
    QCOMPARE(jsonOf(engine.admin("GET", "/apisix/admin/consumers/tom/credentials")).value("total").toInt(), 1);
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/secrets/vault/1").status, 200);
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/consumers/tom").status, 200);
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/plugin_metadata/http-logger").status, 200);
    const auto snap = engine.store().snapshot();
    QVERIFY(snap->consumers.isEmpty() && snap->pluginMetadata.isEmpty());
    QCOMPARE(snap->secrets.keys(), QStringList{"aws/1"});
}

void TestStoredKinds::exchangeSaysWhatIsNotRun()
{
    auto echo = startEchoUpstream();
    TestEngine engine;
    const QJsonObject upstream{{"nodes", QJsonObject{{QStringLiteral("127.0.0.1:%1").arg(echo->port()), 1}}}};
    QCOMPARE(engine.put("/apisix/admin/routes/1", body({{"uri", "/get"}, {"upstream", upstream},
                                                        {"plugins", QJsonObject{{"key-auth", QJsonObject()}, {"limit-count", QJsonObject{{"count", 2}, {"time_window", 60}}}}}})), 201);
    QCOMPARE(engine.put("/apisix/admin/global_rules/1", body({{"plugins", QJsonObject{{"prometheus", QJsonObject()}}}})), 201);
    const TestResponse r = httpRequest(engine.proxyPort(), "GET", "/get");
    QCOMPARE(r.status, 200); // production would answer 401: no apikey header
    QTRY_COMPARE(engine.engine().capture()->all().size(), qsizetype(1));
    const auto exchanges = engine.engine().capture()->all();
    const QString notes = exchanges.first()->notes.join('\n');
    QVERIFY2(notes.contains("consumer auth not run here (key-auth): production checks the request's credential against its consumers and answers 401"), qPrintable(notes));
    QVERIFY2(notes.contains("not run here: limit-count"), qPrintable(notes));
    QVERIFY2(notes.contains("global rules: not run here: prometheus"), qPrintable(notes));
    // A route's filter_func is stored and said to be not run (issue 13: "shown as not run here").
    QCOMPARE(engine.put("/apisix/admin/routes/2", body({{"uri", "/f"}, {"upstream", upstream},
                                                        {"filter_func", "function(vars) return vars.arg_name == 'json' end"}})), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/f").status, 200);
    QTRY_COMPARE(engine.engine().capture()->all().size(), qsizetype(2));
    const QString second = engine.engine().capture()->all().last()->notes.join('\n');
    QVERIFY2(second.contains("not run here: the route's filter_func (production calls it after matching"), qPrintable(second));
}

void TestStoredKinds::forcedDeleteOfWhatARouteNames()
{
    auto echo = startEchoUpstream();
    TestEngine engine;
    const QJsonObject upstream{{"nodes", QJsonObject{{QStringLiteral("127.0.0.1:%1").arg(echo->port()), 1}}}};
    QCOMPARE(engine.put("/apisix/admin/services/1", body({{"upstream", upstream}})), 201);
    QCOMPARE(engine.put("/apisix/admin/plugin_configs/1", body({{"plugins", QJsonObject{{"limit-count", QJsonObject{{"count", 9}, {"time_window", 60}}}}}})), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/1", body({{"uri", "/s"}, {"service_id", "1"}})), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/2", body({{"uri", "/p"}, {"plugin_config_id", "1"}, {"upstream", upstream}})), 201);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/s").status, 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/p").status, 200);
    // apisix/admin/resource.lua: ?force=true skips every kind's delete check; apisix/init.lua then
    // answers 404 for a route whose service is gone and 503 for one whose plugin config is.
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/services/1?force=true").status, 200);
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/plugin_configs/1?force=true").status, 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/s").status, 404);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/p").status, 503);
}

void TestStoredKinds::exportAndImportKeepThem()
{
    ConfigStore store;
    QCOMPARE(store.put(ResourceKind::ConsumerGroup, "cg1", {{"plugins", QJsonObject()}}).status, 201);
    QCOMPARE(store.put(ResourceKind::Consumer, "jack", {{"username", "jack"}, {"group_id", "cg1"}, {"plugins", keyAuth("k1")}}).status, 201);
    QCOMPARE(store.put(ResourceKind::Consumer, "jack/credentials/c1", {{"plugins", QJsonObject{{"jwt-auth", QJsonObject{{"key", "jk"}}}}}}).status, 201);
    QCOMPARE(store.put(ResourceKind::Ssl, "1", {{"cert", m_cert}, {"key", m_key}, {"sni", "test.com"}}).status, 201);
    QCOMPARE(store.put(ResourceKind::Proto, "1", {{"content", "syntax = \"proto3\";"}}).status, 201);
    QCOMPARE(store.put(ResourceKind::Secret, "vault/1", {{"uri", "http://v:8200"}, {"prefix", "kv"}, {"token", "t"}}).status, 201);
    QCOMPARE(store.put(ResourceKind::PluginMetadata, "http-logger", {{"log_format", QJsonObject{{"host", "$host"}}}}).status, 201);
    QCOMPARE(store.put(ResourceKind::StreamRoute, "1", {{"server_port", 9100}, {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1995", 1}}}}}}).status, 201);
    const ResourceObjects objects = store.objects();
    // APISIX's standalone file: every kind, a consumer without an id (one with an id is a credential).
    const QJsonObject file = QJsonDocument::fromJson(ConfigExport::toApisixJson(objects)).object();
    for (const char *kind : {"consumer_groups", "ssls", "protos", "secrets", "plugin_metadata", "stream_routes"})
        QVERIFY2(file.value(QLatin1String(kind)).toArray().size() == 1, kind);
    QCOMPARE(file.value("consumers").toArray().size(), 2);
    const QJsonObject consumer = file.value("consumers").toArray().first().toObject();
    QCOMPARE(consumer.value("username").toString(), QStringLiteral("jack"));
    QVERIFY(!consumer.contains("id"));
    QCOMPARE(file.value("consumers").toArray().last().toObject().value("id").toString(), QStringLiteral("jack/credentials/c1"));
    QCOMPARE(file.value("ssls").toArray().first().toObject().value("key").toString(), m_key); // production needs the key
    QCOMPARE(file.value("secrets").toArray().first().toObject().value("id").toString(), QStringLiteral("vault/1"));
    // Read back, in YAML and JSON: the same objects, nothing refused.
    for (const QByteArray &text : {ConfigExport::toApisixYaml(objects), ConfigExport::toApisixJson(objects)}) {
        const ConfigImport::Report report = ConfigImport::read(ConfigImport::formatOf("x", text), text, {}, {});
        QVERIFY2(report.refused.isEmpty(), qPrintable(report.refused.join('\n')));
        for (ResourceKind kind : kResourceKinds)
            QCOMPARE(report.objects.of(kind).keys(), objects.of(kind).keys());
        QCOMPARE(report.objects.consumers.value("jack").toObject().value("group_id").toString(), QStringLiteral("cg1"));
    }
    // The Admin API script puts each where APISIX takes it.
    const QString script = QString::fromUtf8(ConfigExport::toAdminCurl(objects));
    QVERIFY(script.contains("/apisix/admin/consumers/jack\""));
    QVERIFY(script.contains("/apisix/admin/secrets/vault/1\""));
    QVERIFY(script.contains("/apisix/admin/plugin_metadata/http-logger\""));
    QVERIFY(script.contains("/apisix/admin/stream_routes/1\""));
    // ADC has consumers, ssls and plugin metadata; what it has not is named.
    QStringList notes;
    const QByteArray adc = ConfigExport::toAdcYaml(objects, &notes);
    QVERIFY(adc.contains("consumers:") && adc.contains("ssls:") && adc.contains("plugin_metadata:"));
    QVERIFY2(notes.join('\n').contains("protos left out: ADC has no protos"), qPrintable(notes.join('\n')));
    QVERIFY2(notes.join('\n').contains("stream_routes left out"), qPrintable(notes.join('\n')));
    // ADC and the script read back: what each holds comes back, and exports again to the same bytes.
    const ConfigImport::Report fromAdc = ConfigImport::read(ConfigImport::Format::Adc, adc, {}, {});
    QVERIFY2(fromAdc.refused.isEmpty(), qPrintable(fromAdc.refused.join('\n')));
    QCOMPARE(fromAdc.objects.consumers.keys(), (QStringList{"jack", "jack/credentials/c1"}));
    QVERIFY(adc.contains("credentials:") && adc.contains("type: \"jwt-auth\""));
    QCOMPARE(fromAdc.objects.ssls.keys(), QStringList{"1"});
    QCOMPARE(fromAdc.objects.ssls.value("1").toObject().value("key").toString(), m_key);
    QCOMPARE(fromAdc.objects.pluginMetadata.value("http-logger").toObject().value("log_format").toObject().value("host").toString(), QStringLiteral("$host"));
    QCOMPARE(ConfigExport::toAdcYaml(fromAdc.objects, nullptr), ConfigExport::toAdcYaml(objects, nullptr));
    const ConfigImport::Report fromScript = ConfigImport::read(ConfigImport::Format::AdminCurl, script.toUtf8(), {}, {});
    QVERIFY2(fromScript.refused.isEmpty(), qPrintable(fromScript.refused.join('\n')));
    for (ResourceKind kind : kResourceKinds)
        QCOMPARE(fromScript.objects.of(kind).keys(), objects.of(kind).keys());
    QCOMPARE(ConfigExport::toAdminCurl(fromScript.objects), ConfigExport::toAdminCurl(objects));
}

void TestStoredKinds::streamRoutes()
{
    // stream-routes-disable.t: with APISIX's default proxy_mode ("http") its Admin API takes none.
    {
        TestEngine httpOnly;
        const TestResponse r = httpOnly.admin("PUT", "/apisix/admin/stream_routes/1", R"({"remote_addr":"127.0.0.1","upstream":{"nodes":{"127.0.0.1:8080":1}}})");
        QCOMPARE(r.status, 400);
        QCOMPARE(jsonOf(r).value("error_msg").toString(), QStringLiteral("stream mode is disabled, can not add stream routes"));
        QCOMPARE(httpOnly.admin("GET", "/apisix/admin/stream_routes").status, 400);
    }
    EngineOptions options = TestEngine::options();
    options.streamRoutes = true; // proxy_mode "http&stream"
    TestEngine engine(options);
    const auto error = [&engine](const QByteArray &method, const QByteArray &path, const QByteArray &json) {
        const TestResponse r = engine.admin(method, path, json);
        return std::pair{r.status, jsonOf(r).value("error_msg").toString()};
    };
    const QByteArray up = R"("upstream":{"nodes":{"127.0.0.1:8080":1},"type":"roundrobin"})";
    // stream-routes.t 1, 2, 5, 8, 17
    QCOMPARE(engine.put("/apisix/admin/stream_routes/1", R"({"remote_addr":"127.0.0.1","desc":"new route",)" + up + "}"), 201);
    QCOMPARE(jsonOf(engine.admin("GET", "/apisix/admin/stream_routes/1")).value("value").toObject().value("remote_addr").toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(engine.put("/apisix/admin/stream_routes/1", R"({"remote_addr":"127.0.0.1","plugins":{"mqtt-proxy":{"protocol_name":"MQTT","protocol_level":4}},)" + up + "}"), 200);
    QCOMPARE(engine.put("/apisix/admin/stream_routes/a-b-c-ABC_0123", R"({"remote_addr":"::1","server_addr":"::1","server_port":1982,)" + up + "}"), 201);
    QCOMPARE(error("PUT", "/apisix/admin/stream_routes/*invalid", "{" + up.mid(0) + "}"),
             std::pair(400, QStringLiteral("invalid configuration: property \"id\" validation failed: object matches none of the required")));
    QCOMPARE(error("PUT", "/apisix/admin/stream_routes/1", R"({"plugins":{"mqttt-proxy":{}},)" + up + "}"), std::pair(400, QStringLiteral("unknown plugin [mqttt-proxy]")));
    QCOMPARE(error("PUT", "/apisix/admin/stream_routes/1", R"({"protocol":{"name":"xxx"},)" + up + "}"), std::pair(400, QStringLiteral("unknown protocol [xxx]")));
    // stream-node/sanity.t 13: the schema's ip_def takes ":/8", ip_port.lua's stream_route_checker does not
    QCOMPARE(error("PUT", "/apisix/admin/stream_routes/1", R"({"remote_addr":":/8",)" + up + "}"), std::pair(400, QStringLiteral("invalid remote_addr: :/8")));
    QCOMPARE(error("PUT", "/apisix/admin/stream_routes/1", R"({"server_addr":"1.2.3",)" + up + "}"),
             std::pair(400, QStringLiteral("invalid configuration: property \"server_addr\" validation failed: object matches none of the required")));
    QCOMPARE(error("PUT", "/apisix/admin/stream_routes/1", R"({"server_port":0,)" + up + "}"),
             std::pair(400, QStringLiteral("invalid configuration: property \"server_port\" validation failed: expected 0 to be at least 1")));
    QCOMPARE(error("PUT", "/apisix/admin/stream_routes/1", R"({"uri":"/a",)" + up + "}"), std::pair(400, QStringLiteral("invalid configuration: additional properties forbidden, found uri")));
    QCOMPARE(error("PUT", "/apisix/admin/stream_routes/1", R"({"upstream_id":"nope"})"),
             std::pair(400, QStringLiteral("failed to fetch upstream info by upstream id [nope], response code: 404")));
    QCOMPARE(error("PATCH", "/apisix/admin/stream_routes/1", R"({"desc":"x"})"), std::pair(405, QStringLiteral("not supported `PATCH` method for stream route")));
    // stream-routes-subordinate.t: a subordinate's superior is there, not itself, of its protocol, and not deleted under it.
    QCOMPARE(engine.put("/apisix/admin/stream_routes/4", R"({"protocol":{"name":"dubbo"},)" + up + "}"), 201);
    QCOMPARE(engine.put("/apisix/admin/stream_routes/5", R"({"protocol":{"name":"redis"},)" + up + "}"), 201);
    QCOMPARE(engine.put("/apisix/admin/stream_routes/6", R"({"protocol":{"name":"redis","superior_id":"5"},)" + up + "}"), 201);
    QVERIFY(error("PUT", "/apisix/admin/stream_routes/7", R"({"protocol":{"name":"redis","superior_id":"999"},)" + up + "}").second.contains("failed to fetch stream routes[999]"));
    QVERIFY(error("PUT", "/apisix/admin/stream_routes/7", R"({"protocol":{"name":"redis","superior_id":"4"},)" + up + "}").second.startsWith("protocol mismatch"));
    QVERIFY(error("PUT", "/apisix/admin/stream_routes/10", R"({"protocol":{"name":"redis","superior_id":"10"},)" + up + "}").second.contains("itself as superior_id"));
    QCOMPARE(error("DELETE", "/apisix/admin/stream_routes/5", {}),
             std::pair(400, QStringLiteral("can not delete this stream route directly, stream route [6] is still using it as superior_id")));
    QCOMPARE(engine.admin("DELETE", "/apisix/admin/stream_routes/5?force=true").status, 200);
    // services.lua delete_checker: a service a stream route uses stays.
    QCOMPARE(engine.put("/apisix/admin/services/s1", "{" + up + "}"), 201);
    QCOMPARE(engine.put("/apisix/admin/stream_routes/8", R"({"service_id":"s1"})"), 201);
    QCOMPARE(error("DELETE", "/apisix/admin/services/s1", {}),
             std::pair(400, QStringLiteral("can not delete this service directly, stream_route [8] is still using it now")));
    // Kept, not run: the editor says so.
    const Problems problems = engine.store().check(ResourceKind::StreamRoute, QJsonDocument::fromJson("{" + up + "}").object());
    QVERIFY(!hasErrors(problems));
    QVERIFY(problems.last().message.contains("kept and exported, not run"));
}

void TestStoredKinds::encryptedFieldsComeBackPlain()
{
    // APISIX's data_encryption, as credentials.t TEST 2 shows it: "the-password" is kept and shown as
    // base64 of AES-128-CBC with the default keyring's first key (key and IV).
    const QStringList ring = DataEncryption::defaultKeyring();
    QCOMPARE(DataEncryption::encrypt("the-password", ring.first()), QStringLiteral("WvF5kpaLvIzjuk4GNIMTJg=="));
    QCOMPARE(DataEncryption::decrypt("WvF5kpaLvIzjuk4GNIMTJg==", ring), std::optional<QString>("the-password"));
    QCOMPARE(DataEncryption::decrypt(DataEncryption::encrypt("k2", ring.last()), ring), std::optional<QString>("k2")); // any key of the ring
    QCOMPARE(DataEncryption::decrypt("jack-key", ring), std::nullopt);                                           // a plain value stays
    QCOMPARE(DataEncryption::decrypt("WvF5kpaLvIzjuk4GNIMTJg==", {"another-16-chars"}), std::nullopt);
    // A production Admin API that shows them encrypted: read back plain, so that the plan compares plain with
    // plain and a change never sends an encrypted value to be encrypted again.
    TestEngine production;
    QCOMPARE(production.put("/apisix/admin/consumers", ::body({{"username", "jack"}, {"plugins", QJsonObject{
                 {"basic-auth", QJsonObject{{"username", "the-user"}, {"password", "WvF5kpaLvIzjuk4GNIMTJg=="}}}}}})), 201);
    QCOMPARE(production.put("/apisix/admin/consumers/jack/credentials/k", ::body({{"plugins", QJsonObject{
                 {"key-auth", QJsonObject{{"key", DataEncryption::encrypt("jack-key", ring.first())}}}}}})), 201);
    QCOMPARE(production.put("/apisix/admin/routes/1", R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1980":1}},"plugins":{"key-auth":{"header":"apikey"}}})"), 201);
    const AdminSync::AdminClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(production.adminPort())), "test-key");
    QString error;
    const std::optional<ResourceObjects> fetched = client.fetchAll(&error);
    QVERIFY2(fetched, qPrintable(error));
    const auto conf = [&](const QString &key, const char *plugin) {
        return fetched->consumers.value(key).toObject().value("plugins").toObject().value(QLatin1String(plugin)).toObject();
    };
    QCOMPARE(conf("jack", "basic-auth").value("password").toString(), QStringLiteral("the-password"));
    QCOMPARE(conf("jack", "basic-auth").value("username").toString(), QStringLiteral("the-user")); // not an encrypted field
    QCOMPARE(conf("jack/credentials/k", "key-auth").value("key").toString(), QStringLiteral("jack-key"));
    // A production keyring of its own (the workspace's apisix.data_encryption.keyring): opened with it only.
    const QString own = QStringLiteral("0123456789abcdef");
    QCOMPARE(production.put("/apisix/admin/consumers", ::body({{"username", "jill"}, {"plugins", QJsonObject{
                 {"key-auth", QJsonObject{{"key", DataEncryption::encrypt("jill-key", own)}}}}}})), 201);
    AdminSync::AdminClient withOwnRing(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(production.adminPort())), "test-key");
    withOwnRing.setKeyring({own});
    QCOMPARE(withOwnRing.fetchAll(&error)->consumers.value("jill").toObject().value("plugins").toObject().value("key-auth").toObject().value("key"),
             QJsonValue("jill-key"));
    QCOMPARE(client.fetchAll(&error)->consumers.value("jill").toObject().value("plugins").toObject().value("key-auth").toObject().value("key"),
             QJsonValue(DataEncryption::encrypt("jill-key", own))); // the default ring does not open it: kept as it is
    Workspace workspace;
    QCOMPARE(workspace.dataKeyring(), ring);
    workspace.extra.insert("apisix", QJsonObject{{"data_encryption", QJsonObject{{"keyring", QJsonArray{own}}}}});
    QCOMPARE(workspace.dataKeyring(), QStringList{own});
    // A workspace with the plain values has nothing to change there.
    ResourceObjects desired;
    desired.consumers.insert("jack", QJsonObject{{"username", "jack"}, {"plugins", QJsonObject{
                                         {"basic-auth", QJsonObject{{"username", "the-user"}, {"password", "the-password"}}}}}});
    desired.consumers.insert("jack/credentials/k", QJsonObject{{"plugins", QJsonObject{{"key-auth", QJsonObject{{"key", "jack-key"}}}}}});
    ResourceObjects current;
    current.consumers = fetched->consumers;
    QVERIFY2(AdminSync::planSync(desired, current, false, std::nullopt).isEmpty(), qPrintable(AdminSync::planSync(desired, current, false, std::nullopt).text()));
}

void TestStoredKinds::writesAnswerEncryptedFields()
{
    // APISIX's Admin API answers a write with the value as etcd keeps it: each plugin's encrypt_fields
    // encrypted with the keyring's first key (credentials.t TEST 2); a GET decrypts them again.
    EngineOptions options = TestEngine::options();
    Workspace workspace;
    options.dataEncryptionKey = workspace.dataEncryptionKey();
    QCOMPARE(options.dataEncryptionKey, DataEncryption::defaultKeyring().first());
    TestEngine engine(options);
    const auto answered = [&](const QByteArray &method, const QByteArray &path, const QByteArray &body) {
        const TestResponse r = engine.admin(method, path, body);
        return QJsonDocument::fromJson(r.body).object().value("value").toObject();
    };
    const auto plugin = [](const QJsonObject &value, const char *name) {
        return value.value("plugins").toObject().value(QLatin1String(name)).toObject();
    };
    const QJsonObject jack = answered("PUT", "/apisix/admin/consumers", R"({"username":"jack","desc":"new consumer",
        "plugins":{"basic-auth":{"username":"the-user","password":"the-password"}}})");
    QCOMPARE(plugin(jack, "basic-auth"), (QJsonObject{{"username", "the-user"}, {"password", "WvF5kpaLvIzjuk4GNIMTJg=="}}));
    const QJsonObject got = answered("GET", "/apisix/admin/consumers/jack", {});
    QCOMPARE(plugin(got, "basic-auth").value("password"), QJsonValue("the-password")); // kept plain, shown plain
    // A credential goes by the consumer schema (key-auth's key); a route by the plugin's schema (its
    // header is not an encrypted field; limit-count's redis_password is).
    const QJsonObject credential = answered("PUT", "/apisix/admin/consumers/jack/credentials/c1", R"({"plugins":{"key-auth":{"key":"auth-one"}}})");
    QCOMPARE(DataEncryption::decrypt(plugin(credential, "key-auth").value("key").toString(), DataEncryption::defaultKeyring()),
             std::optional<QString>("auth-one"));
    const QJsonObject route = answered("PUT", "/apisix/admin/routes/1", R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:1980":1}},
        "plugins":{"key-auth":{"header":"apikey"},"limit-count":{"count":1,"time_window":60,"policy":"redis","redis_host":"r1","redis_password":"pw"}}})");
    QCOMPARE(plugin(route, "key-auth").value("header"), QJsonValue("apikey"));
    QCOMPARE(plugin(route, "limit-count").value("redis_password"), QJsonValue(DataEncryption::encrypt("pw", DataEncryption::defaultKeyring().first())));
    QCOMPARE(plugin(route, "limit-count").value("redis_host"), QJsonValue("r1"));
    // A PATCH merges into the plain value: encrypted once in its answer, not twice.
    QCOMPARE(plugin(answered("PATCH", "/apisix/admin/routes/1", R"({"desc":"d2"})"), "limit-count").value("redis_password"),
             plugin(route, "limit-count").value("redis_password"));
    QCOMPARE(plugin(answered("GET", "/apisix/admin/routes/1", {}), "limit-count").value("redis_password"), QJsonValue("pw"));
    // Dotted paths as apisix/plugin.lua walks them: through an array (kafka-logger's brokers), to a map of
    // strings (elasticsearch-logger's headers); the plugin metadata's own schema (error-log-logger).
    const QString key = DataEncryption::defaultKeyring().first();
    const QJsonObject logged = answered("PUT", "/apisix/admin/global_rules/1", R"({"plugins":{
        "kafka-logger":{"brokers":[{"host":"k1","port":9092,"sasl_config":{"user":"u","password":"p1"}},{"host":"k2","port":9092}],"kafka_topic":"t"},
        "elasticsearch-logger":{"endpoint_addrs":["http://e:9200"],"field":{"index":"i"},"headers":{"a":"h1","b":"h2"},"auth":{"username":"u","password":"p2"}}}})");
    const QJsonArray brokers = plugin(logged, "kafka-logger").value("brokers").toArray();
    QCOMPARE(brokers.at(0).toObject().value("sasl_config").toObject().value("password"), QJsonValue(DataEncryption::encrypt("p1", key)));
    QCOMPARE(brokers.at(0).toObject().value("sasl_config").toObject().value("user"), QJsonValue("u"));
    QCOMPARE(brokers.at(1).toObject(), (QJsonObject{{"host", "k2"}, {"port", 9092}}));
    const QJsonObject es = plugin(logged, "elasticsearch-logger");
    QCOMPARE(es.value("headers").toObject(), (QJsonObject{{"a", DataEncryption::encrypt("h1", key)}, {"b", DataEncryption::encrypt("h2", key)}}));
    QCOMPARE(es.value("auth").toObject(), (QJsonObject{{"username", "u"}, {"password", DataEncryption::encrypt("p2", key)}}));
    const QJsonObject metadata = answered("PUT", "/apisix/admin/plugin_metadata/error-log-logger", R"({"clickhouse":{"user":"u","password":"p3"}})");
    QCOMPARE(metadata.value("clickhouse").toObject().value("password"), QJsonValue(DataEncryption::encrypt("p3", key)));
    // What was read back from such answers opens again, path for path.
    QJsonObject reopened = logged;
    QCOMPARE(DataEncryption::decryptObject(ResourceKind::GlobalRule, "1", reopened, DataEncryption::defaultKeyring()), 4);
    QCOMPARE(plugin(reopened, "elasticsearch-logger").value("headers").toObject().value("b"), QJsonValue("h2"));
    // A 32-byte key is AES-256 (core/data_encryption.lua); openssl enc -aes-256-cbc gives the same text.
    const QString key256 = QStringLiteral("0123456789abcdef0123456789abcdef");
    QCOMPARE(DataEncryption::encrypt("the-password", key256), QStringLiteral("BZ08ZZJnTia9RVZGTGEfXw=="));
    QCOMPARE(DataEncryption::decrypt("BZ08ZZJnTia9RVZGTGEfXw==", {key256}), std::optional<QString>("the-password"));
    // enable_encrypt_fields false: answered as written.
    workspace.extra.insert("apisix", QJsonObject{{"data_encryption", QJsonObject{{"enable_encrypt_fields", false}}}});
    QCOMPARE(workspace.dataEncryptionKey(), QString());
    TestEngine plain(TestEngine::options());
    QCOMPARE(plain.put("/apisix/admin/consumers", R"({"username":"jack","plugins":{"basic-auth":{"username":"u","password":"the-password"}}})"), 201);
    QCOMPARE(QJsonDocument::fromJson(plain.admin("PUT", "/apisix/admin/consumers", R"({"username":"jack","plugins":{"basic-auth":{"username":"u","password":"the-password"}}})").body)
                 .object().value("value").toObject().value("plugins").toObject().value("basic-auth").toObject().value("password"),
             QJsonValue("the-password"));
}

QTEST_GUILESS_MAIN(TestStoredKinds)
#include "tst_storedkinds.moc"
