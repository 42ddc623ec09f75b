#include "configtransfer.h"

#include "adminsync.h"
#include "atomicfile.h"
#include "configexport.h"
#include "configstore.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
QPlainTextEdit *monospaceView(QWidget *parent)
{
    auto *view = new QPlainTextEdit(parent);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    return view;
}
} // namespace

ExportDialog::ExportDialog(const ConfigStore *store, const QJsonObject &runner, const QStringList &customPlugins, QWidget *parent)
    : QDialog(parent), m_store(store), m_runner(runner), m_customPlugins(customPlugins), m_format(new QComboBox(this)),
      m_demo(new QCheckBox(tr("Include RouteScope's demo route and upstream"), this)), m_selection(new QLineEdit(this)),
      m_preview(monospaceView(this)), m_notes(monospaceView(this))
{
    setWindowTitle(tr("Export for APISIX"));
    m_format->addItem(tr("Standalone apisix.yaml"), int(ConfigExport::Format::ApisixYaml));
    m_format->addItem(tr("Standalone apisix.json"), int(ConfigExport::Format::ApisixJson));
    m_format->addItem(tr("Admin API calls (curl script)"), int(ConfigExport::Format::AdminCurl));
    m_format->addItem(tr("ADC declarative YAML (adc sync)"), int(ConfigExport::Format::Adc));
    m_format->setObjectName(QStringLiteral("format"));
    m_demo->setObjectName(QStringLiteral("includeDemo"));
    m_selection->setObjectName(QStringLiteral("selection"));
    m_selection->setPlaceholderText(tr("everything; or a label (team=a), or ids (route/1, upstream/u1): with what they use"));
    m_notes->setObjectName(QStringLiteral("configYaml"));
    m_notes->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_notes->setMaximumHeight(130);
    auto *form = new QFormLayout;
    form->addRow(tr("&Format:"), m_format);
    form->addRow(QString(), m_demo);
    form->addRow(tr("&Only:"), m_selection);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    QPushButton *save = buttons->addButton(tr("&Save as…"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(text()); });
    connect(save, &QPushButton::clicked, this, &ExportDialog::saveAs);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_preview, 1);
    layout->addWidget(new QLabel(tr("The target APISIX's conf/config.yaml, and what was left out:"), this));
    layout->addWidget(m_notes);
    layout->addWidget(buttons);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::refresh);
    connect(m_demo, &QCheckBox::toggled, this, &ExportDialog::refresh);
    connect(m_selection, &QLineEdit::textChanged, this, &ExportDialog::refresh);
    connect(store, &ConfigStore::changed, this, &ExportDialog::refresh, Qt::QueuedConnection); // an Admin API write
    refresh();
    resize(760, 620);
}

QString ExportDialog::text() const { return m_preview->toPlainText(); }
QString ExportDialog::configYaml() const { return m_notes->toPlainText(); }

void ExportDialog::refresh()
{
    AdminSync::Selection chosen;
    chosen.includeDemo = m_demo->isChecked();
    const QString selection = m_selection->text().trimmed();
    if (const auto label = AdminSync::labelFromText(selection); label && !selection.contains(QLatin1Char('/')))
        chosen.label = label;
    else if (!selection.isEmpty())
        chosen.ids = selection.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    QStringList leftOut, unknown;
    const ResourceObjects objects = AdminSync::select(m_store->objects(), chosen, &leftOut, &unknown);
    const auto format = ConfigExport::Format(m_format->currentData().toInt());
    QStringList unexpressed;
    m_preview->setPlainText(QString::fromUtf8(ConfigExport::render(format, objects, &unexpressed)));
    QString notes = QString::fromUtf8(ConfigExport::configYamlSnippet(objects, m_runner, m_customPlugins));
    for (const QString &what : std::as_const(unexpressed))
        notes += QStringLiteral("# %1\n").arg(what);
    for (const QString &what : std::as_const(leftOut))
        notes += tr("# left out: %1\n").arg(what).replace(QStringLiteral("export it with --include-demo"), tr("tick Include to export it"));
    if (!unknown.isEmpty())
        notes += tr("# not in the workspace: %1\n").arg(unknown.join(QStringLiteral(", ")));
    m_notes->setPlainText(notes);
}

void ExportDialog::saveAs()
{
    static const char *const names[] = {"apisix.yaml", "apisix.json", "apisix-admin.sh", "adc.yaml"};
    const QString path = QFileDialog::getSaveFileName(this, tr("Export for APISIX"), QLatin1String(names[m_format->currentIndex()]));
    if (path.isEmpty())
        return;
    if (const QString error = writeFileAtomically(path, text().toUtf8()); !error.isEmpty())
        QMessageBox::warning(this, tr("Export for APISIX"), error);
}

ImportDialog::ImportDialog(ConfigStore *store, const QStringList &customPlugins, QWidget *parent)
    : QDialog(parent), m_store(store), m_customPlugins(customPlugins), m_path(new QLineEdit(this)),
      m_replace(new QCheckBox(tr("Replace the workspace's configuration (routes, upstreams, services, plugin configs, global rules)"), this)),
      m_report(monospaceView(this)), m_summary(new QLabel(tr("Choose an apisix.yaml or apisix.json."), this))
{
    setWindowTitle(tr("Import APISIX configuration"));
    m_path->setObjectName(QStringLiteral("path"));
    m_path->setPlaceholderText(tr("apisix.yaml or apisix.json"));
    m_replace->setObjectName(QStringLiteral("replace"));
    m_report->setObjectName(QStringLiteral("report"));
    m_report->setLineWrapMode(QPlainTextEdit::WidgetWidth); // every reason whole, not cut at the edge
    m_summary->setWordWrap(true);
    auto *choose = new QPushButton(tr("C&hoose file…"), this);
    auto *reread = new QPushButton(tr("&Read"), this);
    auto *row = new QHBoxLayout;
    row->addWidget(m_path, 1);
    row->addWidget(choose);
    row->addWidget(reread);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setEnabled(false);
    m_undo = buttons->addButton(tr("&Undo import"), QDialogButtonBox::ActionRole);
    m_undo->setEnabled(false);
    connect(m_undo, &QPushButton::clicked, this, &ImportDialog::undo);
    // Return in the path reads the file; importing takes a press of Import.
    for (QPushButton *b : findChildren<QPushButton *>())
        b->setAutoDefault(false);
    reread->setDefault(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(m_replace);
    layout->addWidget(m_summary);
    layout->addWidget(m_report, 1);
    layout->addWidget(buttons);
    connect(choose, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import APISIX configuration"), QString(),
                                                          tr("APISIX configuration (*.yaml *.yml *.json *.sh);;All files (*)"));
        if (!path.isEmpty())
            read(path);
    });
    connect(reread, &QPushButton::clicked, this, [this] { read(m_path->text()); });
    connect(m_replace, &QCheckBox::toggled, this, [this] {
        if (!m_path->text().isEmpty())
            read(m_path->text()); // what validates depends on what stays
    });
    connect(m_import, &QPushButton::clicked, this, &ImportDialog::apply);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(820, 560);
}

QString ImportDialog::reportText() const { return m_report->toPlainText(); }

void ImportDialog::read(const QString &path)
{
    m_path->setText(path);
    m_last = {};
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly)) {
        m_last.error = path.isEmpty() ? tr("no file chosen") : tr("cannot open %1: %2").arg(path, file.errorString());
    } else {
        const QByteArray text = file.readAll();
        const ResourceObjects existing = m_replace->isChecked() ? ResourceObjects{} : m_store->objects();
        m_last = ConfigImport::read(ConfigImport::formatOf(path, text), text, existing, m_customPlugins);
    }
    const QString summary = ConfigImport::summary(m_last);
    m_summary->setText(summary.section(QLatin1Char('\n'), 0, 0));
    m_report->setPlainText(summary);
    m_import->setEnabled(m_last.error.isEmpty() && (m_last.count() > 0 || m_replace->isChecked()));
}

void ImportDialog::apply()
{
    ResourceObjects merged = m_store->objects();
    if (m_replace->isChecked()) {
        int there = 0;
        for (ResourceKind kind : kResourceKinds)
            there += int(merged.of(kind).size());
        if (there > 0 && QMessageBox::question(this, windowTitle(),
                                               tr("Replace the %1 objects of the workspace with the %2 of the file?").arg(there).arg(m_last.count()),
                                               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes)
            return;
        merged = {};
    }
    for (ResourceKind kind : kResourceKinds)
        for (auto it = m_last.objects.of(kind).begin(); it != m_last.objects.of(kind).end(); ++it)
            merged.of(kind).insert(it.key(), it.value());
    // One change for the whole file: one new snapshot, one write of the workspace.
    m_before = m_store->objects();
    const Problems problems = m_store->load(merged);
    const QString message = hasErrors(problems)
        ? tr("Imported, but the configuration changed meanwhile: %1").arg(firstErrorMessage(problems))
        : tr("Imported %1 object(s) from %2").arg(m_last.count()).arg(m_path->text());
    m_import->setEnabled(false);
    m_undo->setEnabled(true);
    m_summary->setText(message);
    Q_EMIT imported(message);
}

void ImportDialog::undo()
{
    if (!m_before)
        return;
    m_store->load(*std::exchange(m_before, std::nullopt)); // what was there, as it was: it validated then
    m_undo->setEnabled(false);
    m_import->setEnabled(m_last.error.isEmpty() && m_last.count() > 0);
    const QString message = tr("Import undone: the configuration is as it was before");
    m_summary->setText(message);
    Q_EMIT imported(message);
}

SyncDialog::SyncDialog(const ConfigStore *store, QStringList keyring, QWidget *parent)
    : QDialog(parent), m_store(store), m_keyring(std::move(keyring)), m_url(new QLineEdit(QStringLiteral("http://127.0.0.1:9180"), this)), m_key(new QLineEdit(this)),
      m_labels(new QLineEdit(this)), m_prune(new QCheckBox(tr("Delete what the target has and the workspace does not (prune)"), this)),
      m_demo(new QCheckBox(tr("Include RouteScope's demo route and upstream"), this)),
      m_status(new QLabel(tr("Plan shows what Sync would change on the target; nothing changes until you press Sync."), this)),
      m_plan(new QTreeWidget(this))
{
    setWindowTitle(tr("Sync to APISIX"));
    m_url->setObjectName(QStringLiteral("adminUrl"));
    m_key->setObjectName(QStringLiteral("key"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setText(QString::fromUtf8(qgetenv("APISIX_ADMIN_KEY")));
    m_key->setPlaceholderText(tr("the target's admin key (not saved)"));
    m_labels->setObjectName(QStringLiteral("labels"));
    m_labels->setPlaceholderText(tr("optional: only objects with this label, e.g. team=a"));
    m_prune->setObjectName(QStringLiteral("prune"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_plan->setObjectName(QStringLiteral("plan"));
    m_plan->setColumnCount(2);
    m_plan->setHeaderLabels({tr("Change"), tr("Target's answer")});
    m_plan->setColumnWidth(0, 480);
    m_plan->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("Admin &URL:"), m_url);
    form->addRow(tr("Admin &key:"), m_key);
    form->addRow(tr("&Labels:"), m_labels);
    form->addRow(QString(), m_prune);
    form->addRow(QString(), m_demo);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *plan = buttons->addButton(tr("&Plan"), QDialogButtonBox::ActionRole);
    QPushButton *sync = buttons->addButton(tr("&Sync"), QDialogButtonBox::ActionRole);
    m_actions = {plan, sync};
    for (QPushButton *b : findChildren<QPushButton *>())
        b->setAutoDefault(false);
    plan->setDefault(true); // Return plans; changing the target takes a press of Sync
    connect(plan, &QPushButton::clicked, this, [this] { run(false); });
    connect(sync, &QPushButton::clicked, this, [this] { run(true); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_plan, 1);
    layout->addWidget(buttons);
    resize(820, 560);
}

QString SyncDialog::output() const
{
    QStringList lines{m_status->text()};
    for (int i = 0; i < m_plan->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_plan->topLevelItem(i);
        lines << (item->text(1).isEmpty() ? item->text(0) : QStringLiteral("%1: %2").arg(item->text(0), item->text(1)));
        for (int c = 0; c < item->childCount(); ++c)
            lines << QStringLiteral("    ") + item->child(c)->text(0);
    }
    return lines.join(QLatin1Char('\n'));
}

void SyncDialog::showPlan(const AdminSync::Plan &plan)
{
    m_plan->clear();
    for (const AdminSync::Change &change : plan.changes) {
        auto *item = new QTreeWidgetItem(m_plan, {change.title()});
        for (const QString &field : change.fields)
            new QTreeWidgetItem(item, {field});
        item->setExpanded(true);
    }
}

void SyncDialog::run(bool apply)
{
    const QUrl url(m_url->text().trimmed());
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        m_status->setText(tr("The Admin URL must be http:// or https://, e.g. http://127.0.0.1:9180"));
        return;
    }
    std::optional<AdminSync::Label> label;
    if (!m_labels->text().trimmed().isEmpty() && !(label = AdminSync::labelFromText(m_labels->text().trimmed()))) {
        m_status->setText(tr("Labels take KEY=VALUE, e.g. team=a"));
        return;
    }
    QStringList leftOut;
    const ResourceObjects desired = AdminSync::select(m_store->objects(), {m_demo->isChecked(), label, std::nullopt}, &leftOut, nullptr);
    for (QPushButton *b : std::as_const(m_actions))
        b->setEnabled(false);
    m_status->setText(tr("Reading %1 …").arg(url.toString()));
    m_plan->clear();
    AdminSync::AdminClient client(url, m_key->text().toUtf8());
    if (!m_keyring.isEmpty())
        client.setKeyring(m_keyring);
    QString error;
    const std::optional<ResourceObjects> current = client.fetchAll(&error);
    QString status;
    if (!current) {
        status = tr("Cannot read the target: %1").arg(error);
    } else {
        const AdminSync::Plan plan = AdminSync::planSync(desired, *current, m_prune->isChecked(), label);
        showPlan(plan);
        const bool deletes = std::any_of(plan.changes.cbegin(), plan.changes.cend(),
                                         [](const AdminSync::Change &c) { return c.action == AdminSync::Change::Action::Delete; });
        if (plan.isEmpty()) {
            status = plan.text();
        } else if (!apply) {
            status = tr("The plan: %1 change(s); Sync applies them in this order.").arg(plan.changes.size());
        } else if (deletes && QMessageBox::question(this, windowTitle(), tr("The plan deletes objects on %1. Go on?").arg(url.toString()),
                                                    QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
            status = tr("Not synced. The plan is below.");
        } else {
            int row = 0;
            const qsizetype applied = AdminSync::applyPlan(client, plan, [this, &row](const AdminSync::Change &, const AdminSync::AdminClient::Answer &answer) {
                QTreeWidgetItem *item = m_plan->topLevelItem(row++);
                item->setText(1, answer.text());
                m_plan->scrollToItem(item); // progress, resource by resource
            });
            status = applied == plan.changes.size() ? tr("Synced: %1 change(s).").arg(applied)
                                                    : tr("Stopped at the first failure; %1 change(s) not applied.").arg(plan.changes.size() - applied - 1);
        }
    }
    for (const QString &what : std::as_const(leftOut))
        status += QLatin1Char('\n') + tr("left out: %1").arg(what).replace(QStringLiteral("export it with --include-demo"), tr("tick Include to sync it"));
    m_status->setText(status);
    for (QPushButton *b : std::as_const(m_actions))
        b->setEnabled(true);
}
