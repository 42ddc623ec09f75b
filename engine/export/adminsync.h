#pragma once
// A running APISIX (or RouteScope) brought to the workspace's configuration through its Admin API:
// fetch every kind, compute the plan (create / update / delete, field by field), apply it in dependency
// order and stop at the first failure (issue 14's `routescope sync`).

#include "resourcekind.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace AdminSync {

// Objects carrying the label `key` = `value` (a selection), with every object they refer to
// (upstream_id, service_id, plugin_config_id) so nothing exported or synced dangles.
struct Label
{
    QString key;
    QString value;
};
std::optional<Label> labelFromText(const QString &text); // "team=a"
ResourceObjects selectByLabel(const ResourceObjects &objects, const Label &label);
// The objects named by `ids` ("route/1", "upstream/u1"; a bare id is a route's), with what they refer to;
// ids that name nothing are listed in `unknown`.
ResourceObjects selectByIds(const ResourceObjects &objects, const QStringList &ids, QStringList *unknown);

// What goes to production from `all`: the demo route and upstream left out unless `includeDemo`
// (ConfigExport::forProduction, what was left out in `leftOut`), then, when given, the objects with `label`
// and those `ids` name, with what they refer to (ids that name nothing in `unknown`).
struct Selection
{
    bool includeDemo = false;
    std::optional<Label> label;
    std::optional<QStringList> ids;
};
ResourceObjects select(const ResourceObjects &all, const Selection &selection, QStringList *leftOut, QStringList *unknown);

struct Change
{
    enum class Action { Create, Update, Delete };
    Action action = Action::Create;
    ResourceKind kind = ResourceKind::Route;
    QString id;
    QStringList fields;  // for an update: `uri: "/a" -> "/b"`, `+ plugins`, `- labels`
    QJsonObject value;   // what is PUT (create, update)
    QString title() const; // "update route 1"
    QString text() const;  // "update route 1: uri: "/a" -> "/b""
};

struct Plan
{
    QList<Change> changes; // in the order they are applied
    bool isEmpty() const { return changes.isEmpty(); }
    QString text() const;  // one line a change, or "nothing to do"
};

// What makes `current` (the target's objects) hold `desired`. Deletes only with `prune`; with a label,
// only the target's objects with that label are deleted. Upstreams, services and plugin configs go before
// the routes and global rules that use them; deletes come last, in the reverse order.
Plan planSync(const ResourceObjects &desired, const ResourceObjects &current, bool prune, const std::optional<Label> &label);

// A blocking client of an APISIX v3 Admin API (`X-API-KEY`), for the command line.
class AdminClient
{
public:
    AdminClient(QUrl base, QByteArray key, int timeoutMs = 10000);
    ~AdminClient();
    // Every object of every kind; nullopt and `error` when the target cannot be read. Plugin fields APISIX
    // keeps encrypted (its data_encryption) come back decrypted where the keyring opens them, so that
    // they compare with the workspace's and are never sent back to be encrypted twice.
    std::optional<ResourceObjects> fetchAll(QString *error) const;
    // The target's apisix.data_encryption.keyring (APISIX's default keyring unless set).
    void setKeyring(QStringList keyring) { m_keyring = std::move(keyring); }
    struct Answer
    {
        int status = 0;      // 0: no answer (connection refused, timeout)
        QString message;     // error_msg, or the transport's error
        QString text() const; // "201", or "400 unknown plugin [x]", "failed Connection refused"
    };
    Answer apply(const Change &change) const;

private:
    struct Reply
    {
        int status = 0;
        QByteArray body;
        QString error;
    };
    Reply request(const QByteArray &method, const QString &path, const QByteArray &body = {}) const;

    QUrl m_base;
    QByteArray m_key;
    QStringList m_keyring;
    int m_timeoutMs;
    std::unique_ptr<QNetworkAccessManager> m_manager; // one for every call (its connections are reused)
};

// Applies `plan` in its order and stops at the first change the target does not answer with 2xx; `done`
// hears each answer. Returns how many changes were applied.
qsizetype applyPlan(const AdminClient &client, const Plan &plan,
                    const std::function<void(const Change &, const AdminClient::Answer &)> &done);
bool succeeded(const AdminClient::Answer &answer);

} // namespace AdminSync
