#pragma once

#include "configstore.h"
#include "plugincatalogue.h"

#include <QWidget>

class QAbstractTableModel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QUndoStack;
class RouteEditor;

// Routes (or upstreams): a searchable list with add, duplicate, delete (undoable), enable/disable,
// next to the editor of the selected one.
class RoutesPanel : public QWidget
{
    Q_OBJECT
public:
    RoutesPanel(ResourceKind kind, ConfigStore *store, PluginCatalogue catalogue, QWidget *parent = nullptr);

    RouteEditor *editor() const { return m_editor; }
    ResourceKind kind() const { return m_kind; }
    QTableView *table() const { return m_table; }
    QUndoStack *undoStack() const { return m_undo; }
    QLineEdit *search() const { return m_search; }
    void select(const QString &id);

Q_SIGNALS:
    void message(const QString &text);

private:
    QString selectedId() const;
    int rowOf(const QString &id) const;
    QString nextFreeId() const;
    QString newKey(const QJsonObject &value) const; // what a new one is called: an id, a username, vault/<id>
    void reselectEditor();
    void addNew(QJsonObject value);
    void addCredential(); // consumers: a credential of the selected consumer, <name>/credentials/<n>
    void removeSelected();
    void toggleEnabled();

    ResourceKind m_kind;
    ConfigStore *m_store;
    QAbstractTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_search;
    RouteEditor *m_editor;
    QUndoStack *m_undo;
    bool m_reselecting = false;
};
