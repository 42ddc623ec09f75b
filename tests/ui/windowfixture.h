#pragma once
// The whole window on a real engine, with the demo runner and an echo upstream, for the tests that drive
// every control: routes with each ext-plugin, traffic of each kind, and a closer that cancels whatever
// dialog or popup a click opens (so that every dialog is opened and cancelled).

#include "capturestore.h"
#include "mainwindow.h"
#include "plugincatalogue.h"
#include "testhttp.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDialog>
#include <QMenu>
#include <QMessageBox>
#include <QTest>
#include <QTimer>

#include <memory>

namespace WindowFixture {

// Cancels the modal dialog or popup that is up, a moment after it shows; counts them.
class DialogCloser : public QObject
{
public:
    DialogCloser()
    {
        m_timer.setInterval(15);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            if (QWidget *popup = QApplication::activePopupWidget()) {
                popup->close();
                ++m_closed;
            }
            QWidget *modal = QApplication::activeModalWidget();
            if (!modal)
                return;
            ++m_closed;
            if (auto *box = qobject_cast<QMessageBox *>(modal)) {
                QAbstractButton *cancel = box->button(QMessageBox::Cancel);
                if (!cancel)
                    cancel = box->button(QMessageBox::No);
                if (cancel)
                    cancel->click();
                else
                    box->reject();
            } else if (auto *dialog = qobject_cast<QDialog *>(modal)) {
                dialog->reject();
            } else {
                modal->close();
            }
        });
        m_timer.start();
    }
    int closed() const { return m_closed; }
    // While a test answers a dialog itself.
    void pause() { m_timer.stop(); }
    void resume() { m_timer.start(); }

private:
    QTimer m_timer;
    int m_closed = 0;
};

struct Fixture
{
    std::unique_ptr<TestServer> upstream = startEchoUpstream();
    TestEngine engine{1, demoRunner()};
    std::unique_ptr<MainWindow> window;

    bool start()
    {
        if (!QTest::qWaitFor([this] { return !engine.engine().runnerEndpoint()->socketPath().isEmpty(); }, 5000))
            return false;
        const QByteArray nodes = nodesFor({upstream->port()});
        const auto conf = [](const char *name, const char *value) {
            return QByteArray("{\"conf\":[{\"name\":\"") + name + "\",\"value\":\"" + value + "\"}]}";
        };
        bool ok = engine.put("/apisix/admin/upstreams/u1", "{\"nodes\":" + nodes + "}") == 201
            && engine.put("/apisix/admin/routes/1", "{\"uri\":\"/plain/*\",\"upstream_id\":\"u1\"}") == 201
            && engine.put("/apisix/admin/routes/2", "{\"uri\":\"/mod/*\",\"plugins\":{\"ext-plugin-post-resp\":"
                                                        + conf("status", "{\\\"code\\\":202}") + "},\"upstream\":{\"nodes\":" + nodes + "}}") == 201
            && engine.put("/apisix/admin/routes/3", "{\"uri\":\"/all/*\",\"name\":\"every plugin\",\"plugins\":{\"ext-plugin-pre-req\":" + conf("noop", "{}")
                                                        + ",\"ext-plugin-post-req\":" + conf("noop", "{}") + ",\"ext-plugin-post-resp\":"
                                                        + conf("ext-plugin-A", "x") + "},\"upstream\":{\"nodes\":" + nodes + "}}") == 201
            && engine.put("/apisix/admin/services/s1", "{\"name\":\"shop\",\"upstream_id\":\"u1\",\"plugins\":{\"ext-plugin-post-req\":" + conf("noop", "{}") + "}}") == 201
            && engine.put("/apisix/admin/plugin_configs/pc1", "{\"plugins\":{\"ext-plugin-pre-req\":" + conf("noop", "{}") + "}}") == 201
            && engine.put("/apisix/admin/routes/4", "{\"uri\":\"/shop/*\",\"service_id\":\"s1\",\"plugin_config_id\":\"pc1\"}") == 201
            && engine.put("/apisix/admin/global_rules/g1", "{\"plugins\":{\"prometheus\":{}}}") == 201;
        if (!ok)
            return false;
        MainWindowInfo info{PluginCatalogue::demoRunner().toJson(), QStringLiteral("test workspace"),
                            QStringLiteral("http://127.0.0.1:%1").arg(engine.proxyPort()), QStringLiteral("http://127.0.0.1:%1/apisix/admin").arg(engine.adminPort()), {},
                            engine.proxyPort(), QStringLiteral("demo"),
                            QJsonObject{{"cmd", QJsonArray{"routescope-demo-runner"}}}, {}, QStringLiteral("test-key")};
        window = std::make_unique<MainWindow>(&engine.store(), engine.engine().capture(), engine.engine().runnerProcess(), info);
        window->resize(1280, 860);
        window->show();
        return QTest::qWaitForWindowExposed(window.get());
    }

    // Traffic of each kind the inspector shows differently; returns how many exchanges it made.
    int sendEveryKind()
    {
        const quint16 port = engine.proxyPort();
        int n = 0;
        n += httpRequest(port, "GET", "/plain/x").status == 200;
        n += httpRequest(port, "GET", "/mod/x").status == 202;
        n += httpRequest(port, "GET", "/all/x").status == 200;
        n += httpRequest(port, "GET", "/nowhere").status == 404;
        n += httpRequest(port, "HEAD", "/plain/head").status == 200;
        n += httpRequest(port, "POST", "/plain/post", {{"Content-Type", "application/json"}}, "{\"a\":[1,2,3]}").status == 200;
        n += httpRequest(port, "GET", "/plain/bytes/3000000").status == 200; // kept truncated by the capture
        // Kinds that real traffic here does not produce on demand: a runner failure, a degraded phase,
        // and two 5 MB bodies that differ (beyond the capture's default cap).
        auto synthetic = [](quint64 id) {
            auto e = std::make_shared<CapturedExchange>();
            e->id = id;
            e->startedAtMs = QDateTime::currentMSecsSinceEpoch();
            e->clientRequest.present = true;
            e->clientRequest.method = "GET";
            e->clientRequest.target = "/synthetic/" + QByteArray::number(id);
            e->clientRequest.headers.add("Host", "example.test");
            e->routeId = QStringLiteral("2");
            e->clientResponse.present = true;
            e->clientResponse.status = 200;
            e->clientResponse.reason = "OK";
            return e;
        };
        auto failed = synthetic(1'000'001);
        failed->errorStep = QStringLiteral("ext-plugin-post-resp");
        failed->errorText = QStringLiteral("runner closed the connection mid-call");
        failed->clientResponse.status = 503;
        failed->clientResponse.body = "{\"error_msg\":\"ext-plugin-post-resp failed\"}";
        failed->clientResponse.bodySize = failed->clientResponse.body.size();
        auto degraded = synthetic(1'000'002);
        degraded->degraded = true;
        degraded->notes << QStringLiteral("ext-plugin-post-resp degraded: runner unreachable; allow_degradation is on");
        auto huge = synthetic(1'000'003);
        huge->upstreamResponse = huge->clientResponse;
        huge->upstreamResponse.present = true;
        huge->upstreamResponse.body = QByteArray(5 * 1024 * 1024, 'a');
        huge->upstreamResponse.bodySize = huge->upstreamResponse.body.size();
        huge->clientResponse.body = huge->upstreamResponse.body;
        huge->clientResponse.body[4'000'000] = 'b';
        huge->clientResponse.bodySize = huge->clientResponse.body.size();
        huge->modifiedByRunner = true;
        for (const auto &e : {failed, degraded, huge})
            engine.engine().capture()->add(e);
        return n + 3;
    }
};

} // namespace WindowFixture
