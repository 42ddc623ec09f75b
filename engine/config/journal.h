#pragma once

#include "configstore.h"

#include <QJsonObject>
#include <QString>

// The changes to a workspace's objects (routes, upstreams, services, ...) since it was last written whole, beside it
// (`<workspace>.journal`): one JSON line each, {"kind":"routes","id":"1","value":{…}} (no value: deleted),
// appended and fsynced before the change is answered. A write then costs one line, not the whole file;
// the workspace is rewritten and the journal emptied now and then (Session). Reading a workspace applies
// its journal (Workspace::load), so no reader sees less than what was answered.
class WorkspaceJournal
{
public:
    WorkspaceJournal() = default;
    ~WorkspaceJournal();
    WorkspaceJournal(const WorkspaceJournal &) = delete;
    WorkspaceJournal &operator=(const WorkspaceJournal &) = delete;

    static QString pathFor(const QString &workspacePath);

    // Appends one change and makes it durable; an error text, or empty.
    QString append(const QString &workspacePath, ResourceKind kind, const QString &id, const QJsonObject *value);
    // After the workspace was written whole: the journal is emptied (removed).
    void clear(const QString &workspacePath);
    int entries() const { return m_entries; }
    qint64 bytes() const { return m_bytes; }

    struct Replay
    {
        int applied = 0;
        QString problem; // a line that is not a change: replay stopped there (line number in the text)
    };
    // Applies the journal of `workspacePath`, if any, to the objects. A last line without its
    // newline is a change that was never answered: left out.
    static Replay replay(const QString &workspacePath, ResourceObjects *objects);

private:
    void close();

    int m_fd = -1;
    QString m_path;
    int m_entries = 0;
    qint64 m_bytes = 0;
};
