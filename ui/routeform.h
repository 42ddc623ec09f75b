#pragma once

#include "plugincatalogue.h"

#include <QJsonObject>
#include <QWidget>

class ConfEditor;
class QCheckBox;
class QLineEdit;
class QSpinBox;
class QTableWidget;
class UpstreamForm;

// The form face of a route: uri(s), name, description, methods, hosts, remote addresses, vars, labels,
// priority, status, enable_websocket, filter_func, timeout and script (kept, not run here), service and plugin config ids, upstream (an id, or inline: the upstream form), and the
// three ext-plugin conf tables.
// toJson() writes only what the form knows into the given object, so fields it does not show (labels
// it does not know, other plugins, timestamps) pass through untouched, and no default is added that
// the route did not have.
class RouteForm : public QWidget
{
    Q_OBJECT
public:
    RouteForm(PluginCatalogue catalogue, QWidget *parent = nullptr);

    void setRoute(const QJsonObject &route);
    QJsonObject toJson(QJsonObject base) const;
    ConfEditor *confEditor(int phase) const { return m_confs[phase]; } // 0 pre-req, 1 post-req, 2 post-resp
    QTableWidget *nodesTable() const;
    UpstreamForm *upstreamForm() const { return m_upstream; }

Q_SIGNALS:
    void edited();

private:
    QLineEdit *m_uris;
    QLineEdit *m_name;
    QList<QCheckBox *> m_methods;
    QLineEdit *m_hosts;
    QLineEdit *m_labels;
    QSpinBox *m_priority;
    QCheckBox *m_enabled;
    QCheckBox *m_websocket;      // enable_websocket: kept and exported, not run here
    QLineEdit *m_filterFunc;     // filter_func (Lua source): kept and exported, not run here
    QLineEdit *m_timeout;        // the route's timeout as "connect, send, read" seconds: kept and exported, not run here
    QLineEdit *m_script;         // script (Lua source): kept and exported, not run here
    UpstreamForm *m_upstream;
    QLineEdit *m_upstreamId;
    QLineEdit *m_desc;
    QLineEdit *m_remoteAddrs;
    QLineEdit *m_vars;           // the vars array as compact JSON
    QLineEdit *m_serviceId;
    QLineEdit *m_pluginConfigId;
    ConfEditor *m_confs[3];
    QJsonObject m_loaded; // as last set, to know which keys were there
    bool m_loading = false;
};
