#include "configstore.h"
#include "workspace.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QHostAddress>
#include <QJsonDocument>
#include <QTest>

#include "testfiles.h"

#include <csignal>
#include <sys/resource.h>

class TestWorkspace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultRoundTrip();
    void unreadableFileNamesLineAndColumn();
    void wrongTypesAreErrorsWithLineAndColumn_data();
    void wrongTypesAreErrorsWithLineAndColumn();
    void catalogueEntryWithoutANameIsSaid();
    void saveIsAtomicAndPrivate();
    void unknownKeysSurvive();
    void failedSaveKeepsThePreviousFile();
    void snapshotsCompileOnlyWhatChanged();
};

void TestWorkspace::defaultRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("w.json");
    Workspace w = Workspace::createDefault(path);
    QCOMPARE(w.adminKey.size(), 32);
    QVERIFY(w.save().isEmpty());
    const auto loaded = Workspace::load(path);
    QVERIFY2(loaded.error.isEmpty(), qPrintable(loaded.error));
    QCOMPARE(loaded.workspace.adminKey, w.adminKey);
    QCOMPARE(loaded.workspace.proxy, QStringLiteral("127.0.0.1:9080"));
    QCOMPARE(loaded.workspace.admin, QStringLiteral("127.0.0.1:9180"));
    ConfigStore store;
    const Problems problems = store.load(loaded.workspace.objects);
    QVERIFY(!hasErrors(problems));
    QCOMPARE(store.snapshot()->routes.size(), 1);
    QCOMPARE(store.snapshot()->upstreams.size(), 1);
    QVERIFY(Workspace::createDefault(path).adminKey != w.adminKey); // random per workspace
}

void TestWorkspace::unreadableFileNamesLineAndColumn()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.json");
    writeFile(path, "{\n  \"proxy\": \"127.0.0.1:9080\",\n  \"routes\": {,}\n}\n");
    const auto loaded = Workspace::load(path);
    QVERIFY(loaded.error.contains("line 3, column"));
    QVERIFY(loaded.error.contains(path));
}

void TestWorkspace::wrongTypesAreErrorsWithLineAndColumn_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("routes as an array") << QByteArray("{\n  \"proxy\": \"127.0.0.1:9080\",\n  \"routes\": [{\"uri\": \"/a\"}]\n}\n")
                                        << QStringLiteral("line 3, column 13: \"routes\" must be an object of id: route, not an array");
    QTest::newRow("upstreams as a string") << QByteArray("{\"upstreams\": \"u\"}")
                                           << QStringLiteral("line 1, column 15: \"upstreams\" must be an object of id: upstream, not a string");
    QTest::newRow("proxy as a number") << QByteArray("{\n\"proxy\": 9080}")
                                       << QStringLiteral("line 2, column 10: \"proxy\" must be a string (host:port), not a number");
    QTest::newRow("runner as null") << QByteArray("{\"runner\": null}")
                                    << QStringLiteral("\"runner\" must be an object, not null");
    QTest::newRow("catalogue as an object") << QByteArray("{\"plugin_catalogue\": {}}")
                                            << QStringLiteral("\"plugin_catalogue\" must be an array, not an object");
}

// A known key of the wrong type would load as its default and the next save would drop what the file held.
void TestWorkspace::wrongTypesAreErrorsWithLineAndColumn()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath("ws.json");
    writeFile(path, text);
    const auto loaded = Workspace::load(path);
    QVERIFY2(loaded.error.contains(expected), qPrintable(loaded.error));
    QVERIFY(loaded.error.startsWith(path));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), text); // left as it was
}

// A catalogue entry the editor cannot use is said with its place, and kept in the file.
void TestWorkspace::catalogueEntryWithoutANameIsSaid()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("ws.json");
    writeFile(path, "{\n\"plugin_catalogue\": [{\"name\": \"a\"},\n  {\"schema\": {}}]\n}\n");
    const auto loaded = Workspace::load(path);
    QVERIFY(loaded.error.isEmpty());
    QCOMPARE(loaded.warnings.size(), 1);
    QVERIFY2(loaded.warnings.first().contains("line 3, column 3: plugin_catalogue entry 1 has no \"name\""), qPrintable(loaded.warnings.first()));
    QCOMPARE(loaded.workspace.pluginCatalogue.size(), 2); // kept as it is
}

void TestWorkspace::saveIsAtomicAndPrivate()
{
    QTemporaryDir dir;
    Workspace w = Workspace::createDefault(dir.filePath("sub/dir/w.json"));
    QVERIFY(w.save().isEmpty());
    QCOMPARE(QFile::permissions(w.path) & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
    QCOMPARE(QDir(dir.filePath("sub/dir")).entryList(QDir::Files), QStringList{"w.json"}); // no temp files left
}

void TestWorkspace::unknownKeysSurvive()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("w.json");
    writeFile(path, R"({"admin_key":"k","future_feature":{"x":1},"routes":{},"upstreams":{}})");
    auto loaded = Workspace::load(path);
    QVERIFY(loaded.error.isEmpty());
    QVERIFY(loaded.workspace.save().isEmpty());
    QCOMPARE(Workspace::load(path).workspace.extra.value("future_feature").toObject().value("x").toInt(), 1);
}

void TestWorkspace::failedSaveKeepsThePreviousFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("w.json");
    Workspace w = Workspace::createDefault(path);
    QVERIFY(w.save().isEmpty());
    const QByteArray before = [&] { QFile f(path); f.open(QIODevice::ReadOnly); return f.readAll(); }();
    // A full disk, as far as this process can tell: writes past 64 bytes fail (even for root).
    ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit old;
    ::getrlimit(RLIMIT_FSIZE, &old);
    struct rlimit tiny = old;
    tiny.rlim_cur = 64;
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
    w.proxy = QStringLiteral("127.0.0.1:1");
    const QString error = w.save();
    ::setrlimit(RLIMIT_FSIZE, &old);
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains("previous file is unchanged"), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"w.json"}); // the temporary file is gone
}

void TestWorkspace::snapshotsCompileOnlyWhatChanged()
{
    ConfigStore store;
    QCOMPARE(store.put(ResourceKind::Upstream, "u", QJsonDocument::fromJson(R"({"nodes":{"127.0.0.1:1":1}})").object()).status, 201);
    QCOMPARE(store.put(ResourceKind::Route, "a", QJsonDocument::fromJson(R"({"uri":"/a","upstream":{"nodes":{"127.0.0.1:2":1}}})").object()).status, 201);
    QCOMPARE(store.put(ResourceKind::Route, "b", QJsonDocument::fromJson(R"({"uri":"/b","upstream_id":"u"})").object()).status, 201);
    const auto first = store.snapshot();
    // Another route: a and b are the very objects compiled before (a write costs what changed, not N routes).
    QCOMPARE(store.put(ResourceKind::Route, "c", QJsonDocument::fromJson(R"({"uri":"/c","upstream_id":"u"})").object()).status, 201);
    auto next = store.snapshot();
    QCOMPARE(next->compiledRoutes.value("a"), first->compiledRoutes.value("a"));
    QCOMPARE(next->compiledRoutes.value("b"), first->compiledRoutes.value("b"));
    QCOMPARE(next->compiledUpstreams.value("u"), first->compiledUpstreams.value("u"));
    QCOMPARE(next->router.match({"GET", "/c", "", QHostAddress::LocalHost})->id, QStringLiteral("c"));
    // The upstream changes: the routes that name it are compiled again with it, the inline one is kept.
    QCOMPARE(store.put(ResourceKind::Upstream, "u", QJsonDocument::fromJson(R"({"nodes":{"127.0.0.1:3":1}})").object()).status, 200);
    const auto after = store.snapshot();
    QCOMPARE(after->compiledRoutes.value("a"), first->compiledRoutes.value("a"));
    QVERIFY(after->compiledRoutes.value("b") != first->compiledRoutes.value("b"));
    QCOMPARE(after->compiledRoutes.value("b")->upstream, after->compiledUpstreams.value("u"));
    QCOMPARE(after->compiledRoutes.value("b")->upstream->nodes.first().port, quint16(3));
    QCOMPARE(after->router.match({"GET", "/b", "", QHostAddress::LocalHost})->upstream->nodes.first().port, quint16(3));
    // A route edited: compiled anew; deleted: gone from the router.
    QCOMPARE(store.patch(ResourceKind::Route, "a", QJsonDocument::fromJson(R"({"uri":"/a2"})").object()).status, 200);
    QVERIFY(store.snapshot()->compiledRoutes.value("a") != first->compiledRoutes.value("a"));
    QVERIFY(!store.snapshot()->router.match({"GET", "/a", "", QHostAddress::LocalHost}));
    QCOMPARE(store.remove(ResourceKind::Route, "c").status, 200);
    QVERIFY(!store.snapshot()->compiledRoutes.contains("c"));
    QVERIFY(!store.snapshot()->router.match({"GET", "/c", "", QHostAddress::LocalHost}));
}

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
