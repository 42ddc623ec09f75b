#pragma once

#include "problem.h"
#include "resourcekind.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

class ConfigStore;

// The workspace file: routes, upstreams, services, plugin configs, global rules, engine addresses, admin key, runner settings and UI
// preferences in one JSON document. Unknown keys are kept so newer files survive a round trip.
struct Workspace
{
    QString path;
    QString proxy = QStringLiteral("127.0.0.1:9080");
    QString admin = QStringLiteral("127.0.0.1:9180");
    QString demoUpstream = QStringLiteral("127.0.0.1:1980"); // empty: not started
    int workers = 1;
    int captureBudgetMiB = 256;   // the traffic capture's memory budget
    int captureBodyCapKiB = 1024; // bodies above this are kept truncated
    QString adminKey;
    bool adminKeyInQuery = false; // "admin_key_in_query": the Admin API also takes ?api_key=
    QJsonObject http;             // the proxy's client timeouts and connection cap (ClientSettings)
    QJsonObject runner;
    QJsonObject ui;
    QJsonArray pluginCatalogue;   // runner plugin names and value schemas (PluginCatalogue)
    ResourceObjects objects;      // "routes", "upstreams", "services", "plugin_configs", "global_rules"
    QJsonObject extra; // everything else found in the file
    // Entries of the file the store refused at load (invalid, or from a stricter version): written back
    // as they were until the store gets an object with the same id, so a save never drops them.
    ResourceObjects refused;

    struct LoadResult;
    // Reads a workspace and applies its journal; an unreadable file gives an error naming line and column.
    static LoadResult load(const QString &path);
    // The same for a file's text already read (`path` names it in errors and finds its journal).
    static LoadResult parse(const QString &path, const QByteArray &data);
    // A new workspace with a fresh random admin key and the demo route.
    static Workspace createDefault(const QString &path);
    static QString defaultPath();

    QJsonObject toJson() const;
    // The "apisix" object's "plugins": the user's own Lua plugins, which the store accepts by name.
    QStringList customPlugins() const;
    // The "apisix" object's data_encryption.keyring: production's, to open the fields it keeps encrypted
    // (APISIX's default keyring when the workspace names none).
    QStringList dataKeyring() const;
    // The key APISIX encrypts those fields with: the keyring's first, or empty when data_encryption's
    // enable_encrypt_fields is false (its default is true).
    QString dataEncryptionKey() const;
    // Atomic write (temporary file, fsync, rename); returns an error text or empty.
    QString save() const;
    void takeConfigFrom(const ConfigStore &store);
    // After the store loaded routes and upstreams: remembers those it refused (see refused).
    void keepRefused(const ConfigStore &store);
    // The store took an object with this id (and may delete it later): the refused entry is gone for good.
    void forgetRefused(ResourceKind kind, const QString &id);
};

struct Workspace::LoadResult
{
    Workspace workspace;
    QString error;
    int journalApplied = 0;  // changes of the journal beside the file applied (see journal.h)
    QString journalProblem;  // a journal line that could not be applied, and where
    QStringList warnings;    // what was read but cannot be used, with line and column (the file keeps it)
};

QByteArray generateAdminKey();
