#pragma once
// File > Export for APISIX and File > Import APISIX configuration: the window's faces of engine/export,
// the same code paths as `routescope export` and `routescope import`.

#include "configimport.h"

#include <QDialog>
#include <QJsonObject>

class ConfigStore;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;
namespace AdminSync {
struct Plan;
}

// The workspace's configuration as production APISIX takes it, previewed as it changes: a format, the
// demo route and upstream left out unless asked, and the conf/config.yaml lines the target needs.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    ExportDialog(const ConfigStore *store, const QJsonObject &runner, const QStringList &customPlugins, QWidget *parent = nullptr);
    QString text() const;       // what Copy and Save write
    QString configYaml() const; // the config.yaml lines and what was left out

private:
    void refresh();
    void saveAs();

    const ConfigStore *m_store;
    QJsonObject m_runner;
    QStringList m_customPlugins;
    QComboBox *m_format;
    QCheckBox *m_demo;
    QLineEdit *m_selection; // "team=a" (a label) or "route/1, upstream/u1"
    QPlainTextEdit *m_preview;
    QPlainTextEdit *m_notes;
};

// A file read into a report first (imported / refused with line and column / stored but not run), then
// applied in one change when the user presses Import. Nothing is applied from a malformed file.
class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    ImportDialog(ConfigStore *store, const QStringList &customPlugins, QWidget *parent = nullptr);
    void read(const QString &path); // apisix.yaml, apisix.json, an ADC file or an Admin API script
    QString reportText() const;

Q_SIGNALS:
    void imported(const QString &message);

private:
    void apply();
    void undo();

    ConfigStore *m_store;
    QStringList m_customPlugins;
    QLineEdit *m_path;
    QCheckBox *m_replace;
    QPlainTextEdit *m_report;
    QPushButton *m_import;
    QPushButton *m_undo;
    QLabel *m_summary;
    ConfigImport::Report m_last;
    std::optional<ResourceObjects> m_before; // the configuration before the last import, for Undo
};

// A running APISIX (or RouteScope) brought to the workspace's configuration through its Admin API, as
// `routescope sync` does: Plan shows what would change; Sync plans again and applies it, stopping at the
// first refusal. The key is asked here (or taken from APISIX_ADMIN_KEY) and never saved.
class SyncDialog : public QDialog
{
    Q_OBJECT
public:
    // `keyring`: production's data_encryption keyring (what it shows encrypted is read back plain).
    explicit SyncDialog(const ConfigStore *store, QStringList keyring = {}, QWidget *parent = nullptr);
    QString output() const; // the status line, then each change with its answer and its fields

private:
    void run(bool apply);
    void showPlan(const AdminSync::Plan &plan);

    const ConfigStore *m_store;
    QStringList m_keyring;
    QLineEdit *m_url;
    QLineEdit *m_key;
    QLineEdit *m_labels;
    QCheckBox *m_prune;
    QCheckBox *m_demo;
    QLabel *m_status;
    QTreeWidget *m_plan; // a change per row, its fields below it, the target's answer beside it
    QList<QPushButton *> m_actions;
};
