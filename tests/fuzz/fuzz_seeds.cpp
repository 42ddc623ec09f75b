// Writes the binary seeds of the runner fuzz targets (FlatBuffers frames, as the tests' runners and the
// engine send them) into <dir>/runner_gateway and <dir>/runner_side. The text seeds are in seeds/.
#include "frame.h"
#include "runnermessages.h"

#include <QDir>
#include <QFile>

#include <cstdio>

namespace {
bool write(const QString &dir, const QString &name, const QByteArray &bytes)
{
    QFile file(dir + QLatin1Char('/') + name);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

template<typename Message>
QByteArray frame(const Message &m)
{
    return Runner::encodeFrame(m).value_or(QByteArray());
}

QList<std::pair<QString, QByteArray>> gatewaySeeds()
{
    Runner::HttpReqCallResp none;
    none.id = 1;
    Runner::HttpReqCallResp stop;
    stop.id = 2;
    stop.action = Runner::HttpReqCallResp::Action::Stop;
    stop.stop = {403, {{"X-Reason", QByteArray("denied")}, {"Content-Type", std::nullopt}}, "forbidden"};
    Runner::HttpReqCallResp rewrite;
    rewrite.id = 3;
    rewrite.action = Runner::HttpReqCallResp::Action::Rewrite;
    rewrite.rewrite.path = QByteArray("/rewritten/../x?y=1");
    rewrite.rewrite.headers = {{"Host", QByteArray("other.example")}, {"X-Drop", std::nullopt}};
    rewrite.rewrite.args = {{"a", QByteArray("2")}, {"flag", std::nullopt}};
    rewrite.rewrite.respHeaders = {{"X-Resp", QByteArray("1")}, {"Content-Length", QByteArray("9")}};
    rewrite.rewrite.body = "new body";
    Runner::HttpRespCallResp resp;
    resp.id = 4;
    resp.status = 201;
    resp.headers = {{"Content-Type", QByteArray("application/json")}, {"X-Removed", std::nullopt}};
    resp.body = "{\"changed\":true}";
    Runner::HttpRespCallResp keep;
    keep.id = 5;
    Runner::ExtraInfoReq var{Runner::ExtraInfoReq::Kind::Var, "remote_addr"};
    Runner::ExtraInfoReq body{Runner::ExtraInfoReq::Kind::ReqBody, {}};
    return {
        {QStringLiteral("none"), frame(none)},
        {QStringLiteral("stop"), frame(stop)},
        {QStringLiteral("rewrite"), frame(rewrite)},
        {QStringLiteral("resp"), frame(resp)},
        {QStringLiteral("resp-keep"), frame(keep)},
        {QStringLiteral("extra-var-then-stop"), frame(var) + frame(stop)},
        {QStringLiteral("extra-body-then-rewrite"), frame(body) + frame(rewrite)},
        {QStringLiteral("prepare"), frame(Runner::PrepareConfResp{7})},
        {QStringLiteral("error"), frame(Runner::ErrResp{2})},
        {QStringLiteral("unknown-type"), QByteArray("\x09\x00\x00\x04" "abcd", 8)},
    };
}

QList<std::pair<QString, QByteArray>> runnerSeeds()
{
    Runner::PrepareConfReq prepare;
    prepare.key = "route#1#ext-plugin-pre-req#1";
    prepare.conf = {
        {"ext-plugin-A", QByteArray("{\"enable\":\"feature\"}")},
        {"rewrite", QByteArray(R"({"path":"/p","headers":{"k":"v","x":null},"args":{"a":"1"}})")},
        {"stop", QByteArray(R"({"status":403,"body":"no","headers":{"k":"v"}})")},
        {"response-headers", QByteArray(R"({"set":{"k":"v"},"remove":["server"]})")},
        {"body", QByteArray(R"({"append":"!"})")},
        {"status", QByteArray(R"({"code":201})")},
        {"vars", QByteArray(R"({"names":["uri","remote_addr"]})")},
        {"req-body", std::nullopt},
    };
    Runner::HttpReqCallReq call;
    call.id = 1;
    call.srcIp = QByteArray("\x7f\x00\x00\x01", 4);
    call.method = 2;
    call.path = "/index.html";
    call.args = {{"a", QByteArray("1")}, {"b", std::nullopt}};
    call.headers = {{"host", QByteArray("example.com")}, {"user-agent", QByteArray("curl")}};
    call.confToken = 1;
    Runner::HttpRespCallReq resp;
    resp.id = 2;
    resp.status = 200;
    resp.headers = {{"Content-Type", "text/html"}, {"Content-Length", "12"}};
    resp.confToken = 1;
    Runner::ExtraInfoResp answer{QByteArray("127.0.0.1")};
    return {
        {QStringLiteral("prepare-then-call"), frame(prepare) + frame(call)},
        {QStringLiteral("prepare-then-resp"), frame(prepare) + frame(resp)},
        {QStringLiteral("call"), frame(call)},
        {QStringLiteral("extra-answer"), frame(answer)},
    };
}
} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_seeds DIR\n");
        return 2;
    }
    const QString root = QString::fromLocal8Bit(argv[1]);
    const QList<std::pair<QString, QList<std::pair<QString, QByteArray>>>> sets = {
        {QStringLiteral("runner_gateway"), gatewaySeeds()},
        {QStringLiteral("runner_side"), runnerSeeds()},
    };
    for (const auto &[target, seeds] : sets) {
        const QString dir = root + QLatin1Char('/') + target;
        QDir().mkpath(dir);
        for (const auto &[name, bytes] : seeds)
            if (bytes.isEmpty() || !write(dir, name, bytes)) {
                std::fprintf(stderr, "fuzz_seeds: cannot write %s/%s\n", qPrintable(dir), qPrintable(name));
                return 1;
            }
    }
    return 0;
}
