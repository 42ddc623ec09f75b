#include "capturestore.h"
#include "configstore.h"
#include "routesmodel.h"
#include "trafficfilter.h"
#include "timingview.h"
#include "trafficmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

namespace {
ExchangePtr make(quint64 id, int status, const QByteArray &method = "GET")
{
    auto e = std::make_shared<CapturedExchange>();
    e->id = id;
    e->clientRequest.present = true;
    e->clientRequest.method = method;
    e->clientRequest.target = "/p/" + QByteArray::number(id);
    e->clientResponse.present = true;
    e->clientResponse.status = status;
    e->clientResponse.body = QByteArray(100, 'x');
    e->clientResponse.bodySize = 100;
    return e;
}
} // namespace

class TestTrafficModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void batchesAreOneInsertEach();
    void rowsStayInStartOrder();
    void budgetDropsAreCounted();
    void evictionRemovesRows();
    void filterProxy();
    void routesModelFollowsTheStore();
    void timingWaterfall();
};

// The Timing tab's rows: each step at its start on one axis; without start times, end to end.
void TestTrafficModel::timingWaterfall()
{
    ExchangeTimings t;
    t.routeNs = 10;
    t.preReqAtNs = 20;
    t.preReqNs = 100;
    t.upstreamAtNs = 130;
    t.connectNs = 30;
    t.firstByteNs = 80;
    t.upstreamNs = 200;
    t.writeAtNs = 215;
    t.writeNs = 120;
    t.totalNs = 340;
    QList<TimingBar> bars = timingBars(t);
    const QList<TimingBar> expected = {{"Route match", 0, 10},           {"ext-plugin-pre-req", 20, 100},
                                       {"ext-plugin-post-req", 0, -1},   {"Upstream call", 130, 200},
                                       {"connect", 130, 30, true},       {"waiting for the first byte", 160, 50, true},
                                       {"receiving", 210, 120, true},    {"ext-plugin-post-resp", 0, -1},
                                       {"Write to client", 215, 120},    {"Total", 0, 340}};
    QCOMPARE(bars, expected);
    // A pooled connection (no connect) and a HAR from before start times were kept: laid end to end.
    t.connectNs = -1;
    t.preReqAtNs = t.upstreamAtNs = t.writeAtNs = -1;
    bars = timingBars(t);
    QCOMPARE(bars[1].startNs, qint64(10));
    QCOMPARE(bars[3].startNs, qint64(110));
    QCOMPARE(bars[4], (TimingBar{"connect (connection reused)", 110, -1, true}));
    QCOMPARE(bars[5], (TimingBar{"waiting for the first byte", 110, 80, true}));
    QCOMPARE(bars[8].startNs, qint64(310));
    TimingView view;
    view.setTimings(t);
    view.resize(600, 300);
    QVERIFY(!view.grab().isNull()); // paints without a fault
}

void TestTrafficModel::batchesAreOneInsertEach()
{
    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QList<ExchangePtr> batch;
    for (quint64 i = 1; i <= 500; ++i)
        batch << make(i, 200);
    model.append(batch);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), 500);
    QCOMPARE(model.index(0, TrafficModel::Path).data().toString(), QStringLiteral("/p/1"));
    QCOMPARE(model.index(499, TrafficModel::Status).data().toString(), QStringLiteral("200"));
    model.append({});
    QCOMPARE(inserted.size(), 1);
}

void TestTrafficModel::rowsStayInStartOrder()
{
    // A slow exchange finishes after quicker ones that started later: its row still goes by its #.
    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append({make(1, 200), make(4, 200), make(3, 200)});
    model.append({make(6, 200), make(2, 200), make(5, 200)});
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, TrafficModel::Id).data().toString();
    QCOMPARE(ids, (QStringList{"1", "2", "3", "4", "5", "6"}));
}

void TestTrafficModel::budgetDropsAreCounted()
{
    CaptureStore::Settings settings;
    settings.budgetBytes = make(10, 200)->memoryBytes() * 3 + 10; // room for three
    CaptureStore capture(settings);
    for (quint64 i = 1; i <= 10; ++i)
        capture.add(make(i, 200));
    QCOMPARE(capture.droppedForBudget(), quint64(7));
    capture.clear();
    QCOMPARE(capture.droppedForBudget(), quint64(0));
}

void TestTrafficModel::evictionRemovesRows()
{
    TrafficModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<ExchangePtr> batch;
    for (quint64 i = 1; i <= 10; ++i)
        batch << make(i, 200);
    model.append(batch);
    model.removeRows(1, 1); // the user removed #2
    model.evict({1, 2, 3});
    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(model.exchangeAt(0)->id, quint64(4));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestTrafficModel::filterProxy()
{
    TrafficModel model;
    TrafficFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append({make(1, 200), make(2, 404, "POST"), make(3, 503)});
    filter.setExpression(QStringLiteral("status:>=400"));
    QCOMPARE(filter.rowCount(), 2);
    filter.setExpression(QStringLiteral("status:>=400 -method:POST"));
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, TrafficModel::Id).data().toString(), QStringLiteral("3"));
    model.append({make(4, 500)}); // live rows go through the filter too
    QCOMPARE(filter.rowCount(), 2);
    filter.setExpression(QString());
    QCOMPARE(filter.rowCount(), 4);
}

void TestTrafficModel::routesModelFollowsTheStore()
{
    ConfigStore store;
    RoutesModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(store.put(ResourceKind::Route, "r1", QJsonObject{{"uri", "/a"}, {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1", 1}}}}}}).status, 201);
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, RoutesModel::Uris).data().toString(), QStringLiteral("/a"));
    store.remove(ResourceKind::Route, "r1");
    QTRY_COMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestTrafficModel)
#include "tst_trafficmodel.moc"
