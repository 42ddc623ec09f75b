// The conf-token cache on a fake clock: expiry, runner generations, flushes and the one PrepareConf in
// flight per key, without waiting for anything.
#include "conftokencache.h"

#include <QTest>

class TestConfTokenCache : public QObject
{
    Q_OBJECT
private slots:
    void expiresOnTheClock();
    void anotherRunnerDropsEveryToken();
    void flushDropsEveryToken();
    void waitersHearTheOutcomeOnce();
};

void TestConfTokenCache::expiresOnTheClock()
{
    qint64 now = 1000;
    ConfTokenCache cache([&now] { return now; });
    cache.store("route#1", 7, 1, 3600 * 1000);
    QCOMPARE(cache.token("route#1", 1), std::optional<quint32>(7));
    now += 3600 * 1000 - 1;
    QCOMPARE(cache.token("route#1", 1), std::optional<quint32>(7)); // a millisecond before conf_expire_time
    now += 1;
    QCOMPARE(cache.token("route#1", 1), std::nullopt); // then gone, and forgotten
    QCOMPARE(cache.size(), 0);
    QCOMPARE(cache.token("route#2", 1), std::nullopt);
}

void TestConfTokenCache::anotherRunnerDropsEveryToken()
{
    qint64 now = 0;
    ConfTokenCache cache([&now] { return now; });
    cache.store("a", 1, 5, 1000);
    cache.store("b", 2, 5, 1000);
    QCOMPARE(cache.token("a", 5), std::optional<quint32>(1));
    QCOMPARE(cache.token("b", 6), std::nullopt); // a new runner generation: the old tokens mean other confs
    QCOMPARE(cache.size(), 0);
    QCOMPARE(cache.token("a", 5), std::nullopt);
    cache.store("a", 9, 6, 1000);
    QCOMPARE(cache.token("a", 6), std::optional<quint32>(9));
}

void TestConfTokenCache::flushDropsEveryToken()
{
    qint64 now = 0;
    ConfTokenCache cache([&now] { return now; });
    cache.store("a", 1, 1, 1000);
    cache.store("b", 2, 1, 1000);
    cache.flush(); // CONF_TOKEN_NOT_FOUND: the runner forgot them
    QCOMPARE(cache.token("a", 1), std::nullopt);
    QCOMPARE(cache.token("b", 1), std::nullopt);
}

void TestConfTokenCache::waitersHearTheOutcomeOnce()
{
    ConfTokenCache cache([] { return qint64(0); });
    QVERIFY(!cache.isPreparing("k"));
    cache.beginPreparing("k");
    QVERIFY(cache.isPreparing("k"));
    QList<std::optional<quint32>> heard;
    QStringList errors;
    for (int i = 0; i < 3; ++i)
        cache.waitFor("k", [&](std::optional<quint32> token, const QString &error) {
            heard << token;
            errors << error;
        });
    cache.endPreparing("k", 4, {});
    QCOMPARE(heard, (QList<std::optional<quint32>>{4, 4, 4}));
    QVERIFY(!cache.isPreparing("k"));
    cache.endPreparing("k", 5, {}); // nobody waits any more
    QCOMPARE(heard.size(), 3);
    cache.beginPreparing("k");
    cache.waitFor("k", [&](std::optional<quint32> token, const QString &error) {
        heard << token;
        errors << error;
    });
    cache.endPreparing("k", std::nullopt, "the runner answered RPC_ERROR BAD_REQUEST");
    QCOMPARE(heard.last(), std::nullopt);
    QCOMPARE(errors.last(), QStringLiteral("the runner answered RPC_ERROR BAD_REQUEST"));
}

QTEST_GUILESS_MAIN(TestConfTokenCache)
#include "tst_conftokencache.moc"
