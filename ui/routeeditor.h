#pragma once

#include "configstore.h"
#include "plugincatalogue.h"

#include <QTimer>
#include <QWidget>

class JsonEditor;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTabWidget;
class RouteForm;
class UpstreamForm;
class QScrollArea;

// Edits one object of any kind. Routes and upstreams have two faces kept in step: a form and the exact
// APISIX object as JSON (QScintilla); the other kinds have the JSON face. Every keystroke is checked by the engine's own validation (EditorChecks);
// problems are marked on their text and listed; clicking one jumps to it. Errors block Apply;
// warnings do not. Apply goes through the same store as the Admin API, so traffic changes at once,
// and a change made elsewhere (curl) reloads the editor, or asks first if there are edits.
class RouteEditor : public QWidget
{
    Q_OBJECT
public:
    RouteEditor(ConfigStore *store, PluginCatalogue catalogue, QWidget *parent = nullptr);

    // Loads an existing resource, or a new one when `id` is not in the store (with `initial`); a new
    // one's id can still be changed in the id box (or by an "id" in its JSON) until it is applied.
    void open(ResourceKind kind, const QString &id, const QJsonObject &initial = {});
    QString id() const { return m_id; }
    ResourceKind kind() const { return m_kind; }
    bool isModified() const { return m_modified; }
    bool isNew() const { return m_version == 0; }
    bool apply();
    // Drops the edits: back to the stored version (or the initial value of a new one).
    void revert();
    // Shows nothing (a discarded new one).
    void closeResource();
    // Before the edits would be lost (quit, another workspace, another route): asks Save / Discard /
    // Cancel when there are edits. True when the caller may go on (applied, discarded, or nothing to lose).
    bool confirmLeave(QWidget *dialogParent);

    JsonEditor *jsonEditor() const { return m_json; }
    RouteForm *form() const { return m_form; }
    UpstreamForm *upstreamForm() const { return m_upstreamForm; }
    QListWidget *problemList() const { return m_problems; }
    const Problems &problems() const { return m_currentProblems; }
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *revertButton() const { return m_revert; }
    QPushButton *undoButton() const { return m_undo; }
    QPushButton *redoButton() const { return m_redo; }
    QLineEdit *idEdit() const { return m_idEdit; }
    // Runs the pending check now (it normally runs shortly after typing stops).
    void checkNow();

Q_SIGNALS:
    void modifiedChanged(bool modified);
    void applied(const QString &id);
    void message(const QString &text);

private:
    void onJsonEdited();
    void onFormEdited();
    void onStoreChanged(ResourceKind kind, const QString &id);
    void onIdEdited(const QString &text);
    void setModified(bool modified);
    void updateTitle();
    void updateButtons();
    void load(const QJsonObject &value);
    QJsonObject editable(QJsonObject value) const;

    ConfigStore *m_store;
    PluginCatalogue m_catalogue;
    ResourceKind m_kind = ResourceKind::Route;
    QString m_id;
    quint64 m_version = 0;
    QTabWidget *m_faces;
    RouteForm *m_form;
    UpstreamForm *m_upstreamForm;
    QScrollArea *m_upstreamFace; // the upstream form, scrolled
    JsonEditor *m_json;
    QListWidget *m_problems;
    QLabel *m_title;
    QLineEdit *m_idEdit;
    QPushButton *m_undo;
    QPushButton *m_redo;
    QPushButton *m_apply;
    QPushButton *m_revert;
    QJsonObject m_initial;     // what a new one started as, for Revert
    QString m_initialId;
    QString m_applyError;      // the store's refusal of the last Apply, shown with the problems
    QTimer m_checkTimer;
    Problems m_currentProblems;
    bool m_modified = false;
    bool m_syncing = false;
    bool m_jsonValid = true;
};
