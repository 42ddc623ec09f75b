#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

// The runner plugin names a workspace knows, each with an optional JSON Schema for its conf value.
// The editor completes names from it and checks values against the schemas.
struct CataloguePlugin
{
    QString name;
    QString description;
    QJsonObject schema; // empty: any value
};

class PluginCatalogue
{
public:
    static PluginCatalogue fromJson(const QJsonArray &json);
    // The plugins of routescope-demo-runner.
    static PluginCatalogue demoRunner();
    QJsonArray toJson() const;

    const CataloguePlugin *find(const QString &name) const;
    QStringList names() const;
    bool isEmpty() const { return m_plugins.isEmpty(); }

private:
    QList<CataloguePlugin> m_plugins;
};
