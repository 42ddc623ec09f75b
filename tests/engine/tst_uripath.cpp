#include "uripath.h"

#include <QTest>

class TestUriPath : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void normalizes_data();
    void normalizes();
};

void TestUriPath::normalizes_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("uri"); // empty: refused (400)
    QTest::newRow("plain") << QByteArray("/a/b") << QByteArray("/a/b");
    QTest::newRow("root") << QByteArray("/") << QByteArray("/");
    QTest::newRow("trailing slash kept") << QByteArray("/a/") << QByteArray("/a/");
    QTest::newRow("merged slashes") << QByteArray("//private//x") << QByteArray("/private/x");
    QTest::newRow("dot segment") << QByteArray("/./private/x") << QByteArray("/private/x");
    QTest::newRow("dot-dot segment") << QByteArray("/public/../private/x") << QByteArray("/private/x");
    QTest::newRow("escaped letter") << QByteArray("/%70rivate/x") << QByteArray("/private/x");
    QTest::newRow("escaped slash") << QByteArray("/private%2fx") << QByteArray("/private/x");
    QTest::newRow("escaped dot-dot") << QByteArray("/public/%2e%2e/private/x") << QByteArray("/private/x");
    QTest::newRow("escaped space") << QByteArray("/a%20b") << QByteArray("/a b");
    QTest::newRow("decoded once") << QByteArray("/a%2525") << QByteArray("/a%25");
    QTest::newRow("dot at the end") << QByteArray("/a/.") << QByteArray("/a/");
    QTest::newRow("dot-dot at the end") << QByteArray("/a/b/..") << QByteArray("/a/");
    QTest::newRow("up to the root") << QByteArray("/a/..") << QByteArray("/");
    QTest::newRow("dots in a name") << QByteArray("/a..b/.c/...") << QByteArray("/a..b/.c/...");
    QTest::newRow("above the root") << QByteArray("/../x") << QByteArray();
    QTest::newRow("escaped above the root") << QByteArray("/%2e%2e/x") << QByteArray();
    QTest::newRow("broken escape") << QByteArray("/a%zz") << QByteArray();
    QTest::newRow("escape cut short") << QByteArray("/a%4") << QByteArray();
    QTest::newRow("escaped NUL") << QByteArray("/a%00b") << QByteArray();
}

void TestUriPath::normalizes()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, uri);
    const std::optional<QByteArray> got = normalizeUriPath(raw);
    if (uri.isEmpty()) {
        QVERIFY2(!got, got ? got->constData() : "");
        return;
    }
    QVERIFY(got);
    QCOMPARE(*got, uri);
}

QTEST_GUILESS_MAIN(TestUriPath)
#include "tst_uripath.moc"
