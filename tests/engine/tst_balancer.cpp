#include "balancer.h"

#include <QTest>

class TestBalancer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void weightedRoundRobin_data();
    void weightedRoundRobin();
    void smoothInterleaving();
    void retriesSkipTriedNodes();
    void consistentHashIsStable();
};

namespace {
QList<UpstreamNode> nodes(const QList<int> &weights)
{
    QList<UpstreamNode> out;
    for (int i = 0; i < weights.size(); ++i)
        out.append({"127.0.0.1", quint16(1000 + i), weights[i]});
    return out;
}
} // namespace

void TestBalancer::weightedRoundRobin_data()
{
    QTest::addColumn<QList<int>>("weights");
    QTest::newRow("1:1") << QList<int>{1, 1};
    QTest::newRow("1:3") << QList<int>{1, 3};
    QTest::newRow("5:3:2") << QList<int>{5, 3, 2};
    QTest::newRow("zero weight") << QList<int>{0, 4};
}

void TestBalancer::weightedRoundRobin()
{
    QFETCH(QList<int>, weights);
    RoundRobinBalancer b(nodes(weights));
    QList<int> counts(weights.size(), 0);
    for (int i = 0; i < 1000; ++i)
        counts[b.pick({}, {})]++;
    int total = 0;
    for (int w : weights)
        total += w;
    for (int i = 0; i < weights.size(); ++i)
        QVERIFY2(qAbs(counts[i] - 1000 * weights[i] / total) <= 1, qPrintable(QStringLiteral("node %1 got %2").arg(i).arg(counts[i])));
}

void TestBalancer::smoothInterleaving()
{
    RoundRobinBalancer b(nodes({5, 1, 1}));
    QList<int> seq;
    for (int i = 0; i < 7; ++i)
        seq << b.pick({}, {});
    QCOMPARE(seq, (QList<int>{0, 0, 1, 0, 2, 0, 0})); // nginx's smooth order, never 5 in a row
}

void TestBalancer::retriesSkipTriedNodes()
{
    RoundRobinBalancer b(nodes({1, 1, 1}));
    const int first = b.pick({}, {});
    const int second = b.pick({}, {first});
    const int third = b.pick({}, {first, second});
    QVERIFY(first != second && second != third && first != third);
    QCOMPARE(b.pick({}, {0, 1, 2}), -1);
}

void TestBalancer::consistentHashIsStable()
{
    ConsistentHashBalancer b(nodes({1, 1, 1, 1}));
    QSet<int> used;
    for (int i = 0; i < 200; ++i) {
        const QByteArray key = "client-" + QByteArray::number(i);
        const int n = b.pick(key, {});
        QCOMPARE(b.pick(key, {}), n);
        used.insert(n);
        QVERIFY(b.pick(key, {n}) != n); // a retry moves on
    }
    QCOMPARE(used.size(), 4); // keys spread over every node
    // Removing a node only moves the keys that were on it.
    ConsistentHashBalancer three(nodes({1, 1, 1}));
    int moved = 0;
    for (int i = 0; i < 200; ++i) {
        const QByteArray key = "client-" + QByteArray::number(i);
        const int before = b.pick(key, {});
        if (before != 3 && three.pick(key, {}) != before)
            ++moved;
    }
    QCOMPARE(moved, 0);
}

QTEST_GUILESS_MAIN(TestBalancer)
#include "tst_balancer.moc"
