// The Admin API over a config store (JSON, schema validation and references of every kind): up to eight
// requests per input, separated by 0x1e. Each is one byte for the method and the kind, the rest of the
// path up to the first newline (an id, a sub-path, a query), then the body.
#include "adminapi.h"
#include "configstore.h"

#include <QJsonDocument>

#include <cstdint>
#include <cstdlib>
#include <iterator>

namespace {
const char *const kMethods[] = {"GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"};
const char kKey[] = "fuzz-key";

QByteArray pathOf(quint8 selector, QByteArrayView rest)
{
    constexpr int kinds = int(std::size(kResourceKinds));
    const int which = (selector / int(std::size(kMethods))) % (kinds + 2);
    QByteArray path = "/apisix/admin";
    if (which < kinds)
        path += '/' + resourcePlural(kResourceKinds[which]).toLatin1();
    else if (which == kinds)
        path += "/schema/validate";
    return rest.isEmpty() ? path : path + '/' + rest.toByteArray();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ConfigStore store;
    ResourceObjects start;
    start.of(ResourceKind::Upstream).insert(QStringLiteral("1"),
        QJsonDocument::fromJson(R"({"type":"roundrobin","nodes":{"127.0.0.1:1980":1}})").object());
    start.of(ResourceKind::Route).insert(QStringLiteral("r1"),
        QJsonDocument::fromJson(R"({"uri":"/a","upstream_id":"1"})").object());
    store.load(start);
    AdminApi api(&store, kKey);

    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const QList<QByteArray> requests = input.split('\x1e');
    for (qsizetype i = 0; i < requests.size() && i < 8; ++i) {
        const QByteArray &one = requests[i];
        if (one.isEmpty())
            continue;
        const quint8 selector = quint8(one[0]);
        const qsizetype newline = one.indexOf('\n', 1);
        const QByteArray rest = newline < 0 ? one.mid(1) : one.mid(1, newline - 1);
        HttpRequest request;
        request.method = kMethods[selector % std::size(kMethods)];
        request.setTarget(pathOf(selector, rest));
        request.uri = request.path;
        request.headers.add("Host", "127.0.0.1:9180");
        request.headers.add("X-API-KEY", kKey);
        if (newline >= 0)
            request.body = one.mid(newline + 1);
        if (api.checkHead(request).status != 0)
            continue;
        const AdminReply reply = api.handle(request);
        if (reply.status < 200 || reply.status > 599)
            std::abort();
        if (reply.json && !reply.body.isEmpty() && QJsonDocument::fromJson(reply.body).isNull())
            std::abort(); // every JSON answer must parse
    }
    return 0;
}
