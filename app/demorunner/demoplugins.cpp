#include "demoplugins.h"

#include <QJsonArray>

#include <algorithm>
#include <QJsonDocument>
#include <QJsonObject>

namespace DemoPlugins {
namespace {

QList<Need> varNeeds(const Plugin &plugin)
{
    QList<Need> out;
    for (const QJsonValue &n : plugin.json.value(QStringLiteral("names")).toArray())
        out.append(Need{{Runner::ExtraInfoReq::Kind::Var, n.toString().toUtf8()}});
    return out;
}

QList<std::pair<QByteArray, QByteArray>> varHeaders(const Plugin &plugin, const Answers &answers)
{
    QList<std::pair<QByteArray, QByteArray>> out;
    for (const QJsonValue &n : plugin.json.value(QStringLiteral("names")).toArray()) {
        const QByteArray name = n.toString().toUtf8();
        const auto v = answers.value("var:" + name);
        out.append({QByteArray("X-Var-" + name), v ? *v : QByteArray("(absent)")});
    }
    return out;
}

QByteArray reqBodyHeader(const Answers &answers)
{
    const auto body = answers.value("reqbody");
    return body ? QByteArray::number(body->size()) : QByteArray("(absent)");
}

// Response headers as the runner will return them: materialised from the upstream's on first change.
struct HeaderEdit
{
    bool touched = false;
    TextPairs headers;
    // The upstream's headers to edit, less its framing: the gateway frames what it sends.
    void start(const HeaderFields &upstream)
    {
        static constexpr QByteArrayView framing[] = {"content-length", "transfer-encoding", "connection"};
        if (!touched)
            for (const auto &field : upstream)
                if (std::none_of(std::begin(framing), std::end(framing),
                                 [&](QByteArrayView f) { return field.first.compare(f, Qt::CaseInsensitive) == 0; }))
                    headers.append({field.first, field.second});
        touched = true;
    }
    void set(const QByteArray &name, const QByteArray &value)
    {
        headers.removeIf([&](const TextPair &p) { return p.name.compare(name, Qt::CaseInsensitive) == 0; });
        headers.append({name, value});
    }
    void remove(const QByteArray &name)
    {
        headers.removeIf([&](const TextPair &p) { return p.name.compare(name, Qt::CaseInsensitive) == 0; });
    }
};

} // namespace

QByteArray answerKey(const Runner::ExtraInfoReq &ask)
{
    switch (ask.kind) {
    case Runner::ExtraInfoReq::Kind::Var: return "var:" + ask.name;
    case Runner::ExtraInfoReq::Kind::ReqBody: return "reqbody";
    case Runner::ExtraInfoReq::Kind::RespBody: return "respbody";
    }
    return {};
}

Conf prepare(const TextPairs &entries)
{
    Conf conf;
    for (const TextPair &e : entries) {
        Plugin p{e.name, e.value, QJsonDocument::fromJson(e.value.value_or(QByteArray())).object()};
        if (p.name == "vars")
            conf.requestNeeds += varNeeds(p);
        else if (p.name == "req-body")
            conf.requestNeeds.append(Need{{Runner::ExtraInfoReq::Kind::ReqBody, {}}});
        else if (p.name == "body" && p.json.contains(QStringLiteral("append")))
            conf.responseNeeds.append(Need{{Runner::ExtraInfoReq::Kind::RespBody, {}}});
        if (p.name == "ext-plugin-A" || p.name == "response-headers" || p.name == "vars" || p.name == "req-body")
            conf.readsResponseHeaders = true;
        conf.plugins.append(std::move(p));
    }
    conf.responseNeeds = conf.requestNeeds + conf.responseNeeds;
    return conf;
}

Runner::HttpReqCallResp runRequest(const Conf &conf, const Runner::HttpReqCallReq &call, const Answers &answers)
{
    Runner::HttpReqCallResp out;
    out.id = call.id;
    auto rewrite = [&out]() -> Runner::Rewrite & {
        out.action = Runner::HttpReqCallResp::Action::Rewrite;
        return out.rewrite;
    };
    for (const Plugin &e : conf.plugins) {
        const QJsonObject &v = e.json;
        if (e.name == "ext-plugin-A") {
            rewrite().respHeaders.append(TextPair{"X-Ext-Plugin-A", QByteArray("executed")});
            rewrite().respHeaders.append({"X-Ext-Plugin-A-Conf", e.value.value_or(QByteArray())});
        } else if (e.name == "response-headers") {
            const QJsonObject set = v.value(QStringLiteral("set")).toObject();
            for (auto it = set.begin(); it != set.end(); ++it)
                rewrite().respHeaders.append({it.key().toUtf8(), it.value().toString().toUtf8()});
            for (const QJsonValue &r : v.value(QStringLiteral("remove")).toArray())
                rewrite().respHeaders.append({r.toString().toUtf8(), std::nullopt});
        } else if (e.name == "rewrite") {
            if (v.contains(QStringLiteral("path")))
                rewrite().path = v.value(QStringLiteral("path")).toString().toUtf8();
            const QJsonObject headers = v.value(QStringLiteral("headers")).toObject();
            for (auto it = headers.begin(); it != headers.end(); ++it)
                rewrite().headers.append({it.key().toUtf8(), it.value().isNull() ? std::nullopt : std::optional<QByteArray>(it.value().toString().toUtf8())});
            const QJsonObject args = v.value(QStringLiteral("args")).toObject();
            for (auto it = args.begin(); it != args.end(); ++it) {
                if (it.value().isArray()) {
                    for (const QJsonValue &x : it.value().toArray())
                        rewrite().args.append({it.key().toUtf8(), x.toString().toUtf8()});
                } else {
                    rewrite().args.append({it.key().toUtf8(), it.value().isNull() ? std::nullopt : std::optional<QByteArray>(it.value().toString().toUtf8())});
                }
            }
            if (v.contains(QStringLiteral("body")))
                rewrite().body = v.value(QStringLiteral("body")).toString().toUtf8();
        } else if (e.name == "stop") {
            Runner::HttpReqCallResp stop;
            stop.id = call.id;
            stop.action = Runner::HttpReqCallResp::Action::Stop;
            stop.stop.status = quint16(v.value(QStringLiteral("status")).toInt(0));
            stop.stop.body = v.value(QStringLiteral("body")).toString().toUtf8();
            const QJsonObject headers = v.value(QStringLiteral("headers")).toObject();
            for (auto it = headers.begin(); it != headers.end(); ++it)
                stop.stop.headers.append({it.key().toUtf8(), it.value().toString().toUtf8()});
            return stop;
        } else if (e.name == "vars") {
            for (const auto &[name, value] : varHeaders(e, answers))
                rewrite().respHeaders.append({name, value});
        } else if (e.name == "req-body") {
            rewrite().respHeaders.append({"X-Req-Body", reqBodyHeader(answers)});
        }
    }
    return out;
}

Runner::HttpRespCallResp runResponse(const Conf &conf, const Runner::HttpRespCallReq &call, const Answers &answers)
{
    Runner::HttpRespCallResp out;
    out.id = call.id;
    HeaderEdit edit;
    QByteArray body;
    bool bodySet = false;
    for (const Plugin &e : conf.plugins) {
        const QJsonObject &v = e.json;
        if (e.name == "ext-plugin-A") {
            edit.start(call.headers);
            edit.set("X-Ext-Plugin-A", "executed");
            edit.set("X-Ext-Plugin-A-Conf", e.value.value_or(QByteArray()));
        } else if (e.name == "response-headers") {
            edit.start(call.headers);
            const QJsonObject set = v.value(QStringLiteral("set")).toObject();
            for (auto it = set.begin(); it != set.end(); ++it)
                edit.set(it.key().toUtf8(), it.value().toString().toUtf8());
            for (const QJsonValue &r : v.value(QStringLiteral("remove")).toArray())
                edit.remove(r.toString().toUtf8());
        } else if (e.name == "body") {
            if (v.contains(QStringLiteral("replace"))) {
                body = v.value(QStringLiteral("replace")).toString().toUtf8();
            } else if (v.contains(QStringLiteral("append"))) {
                if (!bodySet)
                    body = answers.value("respbody").value_or(QByteArray());
                body += v.value(QStringLiteral("append")).toString().toUtf8();
            }
            bodySet = true;
        } else if (e.name == "status") {
            out.status = quint16(v.value(QStringLiteral("code")).toInt(0));
        } else if (e.name == "vars") {
            edit.start(call.headers);
            for (const auto &[name, value] : varHeaders(e, answers))
                edit.set(name, value);
        } else if (e.name == "req-body") {
            edit.start(call.headers);
            edit.set("X-Req-Body", reqBodyHeader(answers));
        }
    }
    if (edit.touched)
        out.headers = edit.headers;
    if (bodySet)
        out.body = body;
    return out;
}

} // namespace DemoPlugins
