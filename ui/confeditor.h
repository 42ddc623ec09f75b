#pragma once

#include "plugincatalogue.h"

#include <QGroupBox>
#include <QJsonObject>

class QCheckBox;
class QTableWidget;

// One ext-plugin's configuration as a table: the conf array (name, value) in execution order, which
// can be reordered, plus allow_degradation. Values open in their own JSON editor, so nobody escapes
// JSON inside JSON by hand. Unchecked: the plugin is not on the route.
class ConfEditor : public QGroupBox
{
    Q_OBJECT
public:
    ConfEditor(QString pluginName, PluginCatalogue catalogue, QWidget *parent = nullptr);

    void setPlugin(const QJsonValue &plugin); // undefined: not on the route
    QJsonValue plugin() const;                // undefined when unchecked
    QTableWidget *table() const { return m_table; }
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
    QJsonObject m_extra; // keys besides conf and allow_degradation, kept as they were
    bool m_hadDegradationKey = false;
    bool m_loading = false;
};
