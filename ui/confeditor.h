#pragma once

#include "plugincatalogue.h"

#include <QGroupBox>
#include <QJsonObject>

class QCheckBox;
class QLineEdit;
class QTableWidget;

// One ext-plugin's configuration as a table: the conf array (name, value) in execution order, which
// can be reordered, plus allow_degradation and the `_meta` APISIX gives every plugin (disable, filter,
// error_response). Values open in their own JSON editor, so nobody escapes JSON inside JSON by hand.
// Unchecked: the plugin is not on the route.
class ConfEditor : public QGroupBox
{
    Q_OBJECT
public:
    ConfEditor(QString pluginName, PluginCatalogue catalogue, QWidget *parent = nullptr);

    void setPlugin(const QJsonValue &plugin); // undefined: not on the route
    QJsonValue plugin() const;                // undefined when unchecked
    QTableWidget *table() const { return m_table; }
    QCheckBox *disabledBox() const { return m_disabled; }
    QLineEdit *filterEdit() const { return m_filter; }
    QLineEdit *errorResponseEdit() const { return m_errorAnswer; }
    // Opens the value editor of `row` (the UI does this on double-click).
    void editValue(int row);

Q_SIGNALS:
    void edited();

private:
    void addRow(const QString &name, const QString &value);
    void moveRow(int delta);

    QString m_name;
    PluginCatalogue m_catalogue;
    QTableWidget *m_table;
    QCheckBox *m_degradation;
    QCheckBox *m_disabled;     // _meta.disable
    QLineEdit *m_filter;       // _meta.filter, as JSON (vars); kept as typed when it is not JSON, for the checks to name
    QLineEdit *m_errorAnswer;  // _meta.error_response, a string (an object stays as it was, shown as JSON)
    QJsonObject m_extra; // keys besides conf, allow_degradation and the _meta fields above, kept as they were
    QJsonObject m_extraMeta;
    bool m_hadDegradationKey = false;
    bool m_hadDisableKey = false;
    bool m_errorAnswerIsObject = false; // error_response was an object: written back as JSON
    bool m_loading = false;
};
