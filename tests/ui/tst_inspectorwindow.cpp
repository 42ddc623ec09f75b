// The window with real traffic: engine, upstream, the demo runner, and a route whose runner changes the
// response. The Changes view must show the before/after difference; the Runner tab the conversation.
#include "capturestore.h"
#include "changesview.h"
#include "exchangeview.h"
#include "mainwindow.h"
#include "messageview.h"
#include "plugincatalogue.h"
#include "runnerview.h"
#include "testhttp.h"
#include "trafficfilter.h"
#include "trafficmodel.h"
#include "trafficpanel.h"

#include <QApplication>
#include <QLabel>
#include <QScrollBar>
#include <QSignalSpy>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTextBlock>
#include <QTest>

class TestInspectorWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsBeforeAndAfter();
    void showsTheRoutingAndForwardedPaths();
    void detailFollowsTheTable();
    void followStopsWhenTheUserPicksARow();
    void droppedExchangesAreAnnounced();
};

namespace {
ExchangePtr plain(quint64 id)
{
    auto e = std::make_shared<CapturedExchange>();
    e->id = id;
    e->clientRequest.present = true;
    e->clientRequest.method = "GET";
    e->clientRequest.target = "/p/" + QByteArray::number(id);
    e->clientResponse.present = true;
    e->clientResponse.status = id % 2 ? 200 : 404;
    return e;
}

void feed(CaptureStore &capture, quint64 from, quint64 to)
{
    for (quint64 id = from; id <= to; ++id)
        capture.add(plain(id));
    capture.flush();
}
} // namespace

void TestInspectorWindow::showsTheRoutingAndForwardedPaths()
{
    auto up = startEchoUpstream();
    TestEngine engine;
    QCOMPARE(engine.put("/apisix/admin/routes/p", "{\"uri\":\"/private/*\",\"name\":\"private\",\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);
    MainWindow window(&engine.store(), engine.engine().capture(), nullptr,
                      {PluginCatalogue::demoRunner().toJson(), "test", QStringLiteral("http://127.0.0.1:%1").arg(engine.proxyPort()), "admin", {}, engine.proxyPort(), "demo"});
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/public/../private/x?a=1").status, 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/private/y").status, 200);
    TrafficPanel *traffic = window.traffic();
    QTRY_COMPARE(traffic->model()->rowCount(), 2);
    traffic->table()->setFocus();
    traffic->table()->selectRow(0);
    ExchangeView *detail = traffic->detail();
    QCOMPARE(detail->messageView(ExchangeView::ClientRequest)->contextText(),
             QStringLiteral("Routed on /private/x, the path normalised as APISIX (nginx's $uri) does → route p (private)"));
    QCOMPARE(detail->messageView(ExchangeView::UpstreamRequest)->contextText(),
             QStringLiteral("Forwarded path /public/../private/x: as the client sent it, not the routing path /private/x (as APISIX does)"
                            " · to node 127.0.0.1:%1").arg(up->port()));
    detail->setCurrentIndex(ExchangeView::UpstreamRequest); // the line is on screen with its tab
    QVERIFY(detail->messageView(ExchangeView::UpstreamRequest)->findChild<QLabel *>("messageContext")->isVisible());
    traffic->table()->selectRow(1);
    QCOMPARE(detail->messageView(ExchangeView::ClientRequest)->contextText(), QStringLiteral("Routed on /private/y → route p (private)"));
    QCOMPARE(detail->messageView(ExchangeView::UpstreamRequest)->contextText(),
             QStringLiteral("Forwarded path /private/y: as the client sent it · to node 127.0.0.1:%1").arg(up->port()));
}

void TestInspectorWindow::detailFollowsTheTable()
{
    CaptureStore capture;
    TrafficPanel traffic(&capture, "http://127.0.0.1:9", 9);
    traffic.show();
    feed(capture, 1, 6);
    QCOMPARE(traffic.model()->rowCount(), 6);
    traffic.table()->selectRow(1); // #2, a 404
    QCOMPARE(traffic.detail()->exchange()->id, quint64(2));
    // Filtered out: it leaves the pane, and no neighbour takes its place.
    QTest::keyClicks(traffic.filterEdit(), "status:200");
    QVERIFY(!traffic.detail()->exchange());
    QVERIFY(!traffic.table()->selectionModel()->hasSelection());
    // Still passing the filter: it stays selected and shown.
    traffic.filterEdit()->clear();
    traffic.table()->selectRow(2); // #3
    QTest::keyClicks(traffic.filterEdit(), "status:200");
    QCOMPARE(traffic.detail()->exchange()->id, quint64(3));
    QCOMPARE(traffic.current()->id, quint64(3));
    // Cleared elsewhere (the capture itself): the pane empties.
    capture.clear();
    QCOMPARE(traffic.model()->rowCount(), 0);
    QTRY_VERIFY(!traffic.detail()->exchange());
    // Removed with Del.
    traffic.filterEdit()->clear();
    feed(capture, 7, 8);
    traffic.table()->selectRow(0);
    QVERIFY(traffic.detail()->exchange());
    traffic.removeSelected();
    QTRY_COMPARE(traffic.detail()->exchange(), traffic.current());
}

void TestInspectorWindow::followStopsWhenTheUserPicksARow()
{
    CaptureStore capture;
    TrafficPanel traffic(&capture, "http://127.0.0.1:9", 9);
    traffic.resize(900, 700);
    traffic.show();
    QVERIFY(QTest::qWaitForWindowExposed(&traffic));
    QSignalSpy followSpy(&traffic, &TrafficPanel::followChanged);
    feed(capture, 1, 300);
    QVERIFY(traffic.isFollowing());
    QScrollBar *bar = traffic.table()->verticalScrollBar();
    QCOMPARE(bar->value(), bar->maximum());
    // The user clicks a row in view: follow stops, and new traffic does not scroll it away.
    const QModelIndex picked = traffic.table()->indexAt(QPoint(20, traffic.table()->viewport()->height() / 2));
    QVERIFY(picked.isValid());
    QTest::mouseClick(traffic.table()->viewport(), Qt::LeftButton, {}, traffic.table()->visualRect(picked).center());
    QVERIFY(!traffic.isFollowing());
    QCOMPARE(followSpy.size(), 1);
    const int value = bar->value();
    feed(capture, 301, 600);
    QCOMPARE(bar->value(), value);
    QCOMPARE(traffic.current()->id, picked.data(TrafficModel::ExchangeRole).value<ExchangePtr>()->id);
    // The toggle brings it back.
    traffic.setFollow(true);
    QCOMPARE(bar->value(), bar->maximum());
    feed(capture, 601, 700);
    QCOMPARE(bar->value(), bar->maximum());
}

void TestInspectorWindow::droppedExchangesAreAnnounced()
{
    CaptureStore::Settings settings;
    settings.budgetBytes = plain(1)->memoryBytes() * 20;
    CaptureStore capture(settings);
    TrafficPanel traffic(&capture, "http://127.0.0.1:9", 9);
    traffic.show();
    feed(capture, 1, 10);
    QVERIFY(!traffic.droppedBanner()->isVisible());
    feed(capture, 11, 100);
    QVERIFY(traffic.droppedBanner()->isVisible());
    QVERIFY2(traffic.droppedBanner()->text().startsWith(QStringLiteral("%1 older exchange(s) dropped").arg(capture.droppedForBudget())), qPrintable(traffic.droppedBanner()->text()));
    QVERIFY(capture.droppedForBudget() >= 79);
    capture.clear();
    QVERIFY(!traffic.droppedBanner()->isVisible());
}

void TestInspectorWindow::showsBeforeAndAfter()
{
    auto up = startEchoUpstream();
    TestEngine engine(1, demoRunner());
    QTRY_VERIFY_WITH_TIMEOUT(!engine.engine().runnerEndpoint()->socketPath().isEmpty(), 5000);
    QCOMPARE(engine.put("/apisix/admin/routes/1",
        "{\"uri\":\"/shop/*\",\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"response-headers\",\"value\":\"{\\\"set\\\":{\\\"X-Price\\\":\\\"42\\\"}}\"},"
        "{\"name\":\"status\",\"value\":\"{\\\"code\\\":202}\"}]}},\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);
    QCOMPARE(engine.put("/apisix/admin/routes/2", "{\"uri\":\"/plain\",\"upstream\":{\"nodes\":" + nodesFor({up->port()}) + "}}"), 201);

    MainWindow window(&engine.store(), engine.engine().capture(), engine.engine().runnerProcess(),
                      {PluginCatalogue::demoRunner().toJson(), "test", QStringLiteral("http://127.0.0.1:%1").arg(engine.proxyPort()), "admin", {}, engine.proxyPort(), "demo"});
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/plain").status, 200);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/shop/item").status, 202);
    QCOMPARE(httpRequest(engine.proxyPort(), "GET", "/nowhere").status, 404);

    TrafficPanel *traffic = window.traffic();
    QTRY_COMPARE(traffic->model()->rowCount(), 3);
    QCOMPARE(traffic->model()->index(1, TrafficModel::Status).data().toString(), QStringLiteral("200 → 202"));
    QCOMPARE(traffic->model()->index(1, TrafficModel::Flags).data().toString(), QStringLiteral("modified"));

    // Filter to the modified one, as a user would, and select it.
    QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
    QVERIFY(traffic->filterEdit()->hasFocus());
    QTest::keyClicks(traffic->filterEdit(), "modified");
    QCOMPARE(traffic->filter()->rowCount(), 1);
    traffic->table()->selectRow(0);
    ExchangeView *detail = traffic->detail();
    QVERIFY(detail->exchange());
    QCOMPARE(detail->exchange()->clientRequest.target, QByteArray("/shop/item"));

    const QString changes = detail->changesView()->plainText();
    QVERIFY2(changes.contains("200 OK") && changes.contains("202"), qPrintable(changes.left(400)));
    QVERIFY(changes.contains("x-price: 42"));
    QVERIFY(changes.contains("replace every upstream header"));
    // Added lines are marked on the after side.
    bool marked = false;
    for (QTextBlock b = detail->changesView()->after()->document()->begin(); b.isValid(); b = b.next())
        if (b.text() == "x-price: 42")
            marked = b.userState() == ChangesView::Added && b.blockFormat().background() != Qt::NoBrush;
    QVERIFY(marked);
    QCOMPARE(detail->runnerView()->frameCount(), 4); // PrepareConf, its reply, the call, its reply
    QVERIFY(detail->messageView(ExchangeView::UpstreamResponse)->plainText().startsWith("HTTP/1.1 200 OK"));
    QVERIFY(detail->messageView(ExchangeView::ClientResponse)->plainText().startsWith("HTTP/1.1 202"));
    QVERIFY(detail->messageView(ExchangeView::ClientResponse)->plainText().contains("\"path\": \"/shop/item\"")); // pretty JSON

    // Del removes it from the view; the filter on error shows the 404? (404 is not an error.)
    traffic->filterEdit()->clear();
    QCOMPARE(traffic->filter()->rowCount(), 3);
    traffic->table()->setFocus();
    traffic->table()->selectRow(2);
    QTest::keyClick(traffic->table(), Qt::Key_Delete);
    QCOMPARE(traffic->model()->rowCount(), 2);
}

QTEST_MAIN(TestInspectorWindow)
#include "tst_inspectorwindow.moc"
