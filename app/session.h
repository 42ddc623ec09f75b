#pragma once

#include "configstore.h"
#include "engine.h"
#include "journal.h"
#include "workspace.h"

#include <QCommandLineParser>
#include <QMutex>
#include <QObject>

// The options `routescope` and `routescope serve` share (DESIGN.md command line contract).
void addEngineOptions(QCommandLineParser &parser);

// A workspace loaded into a store and an engine running it; saves the workspace on every change.
class Session : public QObject
{
    Q_OBJECT
public:
    Session();
    ~Session() override;
    // Loads (or creates) the workspace and starts the engine; returns an error text or empty.
    // `workspaceOverride`, when set, wins over --workspace (File > Open in the window).
    QString open(const QCommandLineParser &args, const QString &workspaceOverride = {});
    // Writes the workspace to `path` and keeps saving there.
    void saveAs(const QString &path);
    // Headless serving has nobody to show traffic to: it runs without the capture.
    void setCaptureEnabled(bool enabled) { m_options.captureEnabled = enabled; }
    QString startupSummary() const;
    QString proxyUrl() const;
    QString adminUrl() const;
    QString adminKey() const { return QString::fromUtf8(m_options.adminKey); } // the key the Admin API takes
    QString demoUrl() const; // empty when the demo upstream is not running
    QString runnerDescription() const; // empty when no runner is configured

    ConfigStore *store() { return &m_store; }
    Engine *engine() { return &m_engine; }
    const Workspace &workspace() const { return m_workspace; }

Q_SIGNALS:
    void saveFailed(const QString &error);

private:
    void save(); // the whole workspace, and the journal emptied
    // A new workspace's demo upstream object points where the demo upstream listens; an older one is told.
    void pointDemoUpstream(bool created);
    void saveLocked();
    void onChanged(ResourceKind kind, const QString &id); // one line in the journal, now and then all of it

    ConfigStore m_store;
    Engine m_engine;
    Workspace m_workspace;
    EngineOptions m_options;
    QMutex m_saveMutex;
    bool m_loading = false; // the store's load announces a change: the file is not rewritten for it
    WorkspaceJournal m_journal;
    // The workspace is written whole (and the journal emptied) after this many journal lines or bytes.
    static constexpr int kCompactEntries = 1000;
    static constexpr qint64 kCompactBytes = 8 * 1024 * 1024;
    QStringList m_notes;
};
