// The window with real traffic: engine, upstream, the demo runner, and a route whose runner changes the
// response. The Changes view must show the before/after difference; the Runner tab the conversation.
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
#include <QLineEdit>
#include <QTableView>
#include <QTest>

namespace {
RunnerSettings demoRunner()
{
    const QString env = qEnvironmentVariable("ROUTESCOPE_DEMO_RUNNER");
    RunnerSettings s;
    s.cmd = {env.isEmpty() ? QCoreApplication::applicationDirPath() + QStringLiteral("/../bin/routescope-demo-runner") : env};
    return s;
}
} // namespace

class TestInspectorWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsBeforeAndAfter();
};

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

    const QString changes = detail->changesView()->toPlainText();
    QVERIFY2(changes.contains("200 OK") && changes.contains("202"), qPrintable(changes.left(400)));
    QVERIFY(changes.contains("x-price: 42"));
    QVERIFY(changes.contains("replace every upstream header"));
    const QString html = detail->changesView()->toHtml();
    QVERIFY(html.contains("#d4edda")); // added lines are marked
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
