#include "routespanel.h"

#include <QJsonArray>

#include "routeeditor.h"
#include "routesmodel.h"
#include "objectsmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <utility>

namespace {
// Deleting is undoable: undo puts the resource back as it was.
class DeleteCommand : public QUndoCommand
{
public:
    DeleteCommand(ConfigStore *store, ResourceKind kind, QString id, QJsonObject value)
        : m_store(store), m_kind(kind), m_id(std::move(id)), m_value(std::move(value))
    {
        setText(QStringLiteral("delete %1").arg(m_id));
    }
    void redo() override
    {
        if (m_done) { // push() calls redo(): the delete already happened
            m_done = false;
            return;
        }
        m_store->remove(m_kind, m_id);
    }
    void undo() override { m_store->put(m_kind, m_id, m_value); }

private:
    ConfigStore *m_store;
    ResourceKind m_kind;
    QString m_id;
    QJsonObject m_value;
    bool m_done = true;
};
} // namespace

namespace {
// What Add puts in the editor: the smallest object of the kind that validates.
QJsonObject starter(ResourceKind kind)
{
    const QJsonObject upstream{{"type", "roundrobin"}, {"nodes", QJsonObject{{"127.0.0.1:1980", 1}}}};
    switch (kind) {
    case ResourceKind::Route: return {{"uri", "/new/*"}, {"upstream", upstream}};
    case ResourceKind::Upstream: return upstream;
    case ResourceKind::Service: return {{"upstream", upstream}};
    case ResourceKind::Consumer: // as in APISIX's key-auth docs; the key is the one to change
        return {{"username", "jack"}, {"plugins", QJsonObject{{"key-auth", QJsonObject{{"key", "jack-key"}}}}}};
    case ResourceKind::Ssl: // the editor says what is missing: paste the PEM texts
        return {{"snis", QJsonArray{"example.com"}}, {"cert", "-----BEGIN CERTIFICATE-----\n(paste the certificate)\n-----END CERTIFICATE-----"},
                {"key", "-----BEGIN PRIVATE KEY-----\n(paste the key)\n-----END PRIVATE KEY-----"}};
    case ResourceKind::Proto:
        return {{"content", "syntax = \"proto3\";\npackage helloworld;\nservice Greeter {\n  rpc SayHello (HelloRequest) returns (HelloReply) {}\n}\n"
                            "message HelloRequest {\n  string name = 1;\n}\nmessage HelloReply {\n  string message = 1;\n}\n"}};
    case ResourceKind::Secret: return {{"uri", "http://127.0.0.1:8200"}, {"prefix", "kv/apisix"}, {"token", "root"}};
    case ResourceKind::StreamRoute: return {{"server_port", 9100}, {"upstream", QJsonObject{{"nodes", QJsonObject{{"127.0.0.1:1995", 1}}}}}};
    case ResourceKind::PluginMetadata:
        return {{"log_format", QJsonObject{{"host", "$host"}, {"@timestamp", "$time_iso8601"}, {"client_ip", "$remote_addr"}}}};
    case ResourceKind::PluginConfig:
    case ResourceKind::GlobalRule:
    case ResourceKind::ConsumerGroup: break;
    }
    return {{"plugins", QJsonObject()}};
}
} // namespace

RoutesPanel::RoutesPanel(ResourceKind kind, ConfigStore *store, PluginCatalogue catalogue, QWidget *parent)
    : QWidget(parent), m_kind(kind), m_store(store),
      m_model(kind == ResourceKind::Route ? static_cast<QAbstractTableModel *>(new RoutesModel(store, this))
                                          : static_cast<QAbstractTableModel *>(new ObjectsModel(kind, store, this))),
      m_proxy(new QSortFilterProxyModel(this)), m_table(new QTableView(this)), m_search(new QLineEdit(this)),
      m_editor(new RouteEditor(store, catalogue, this)), m_undo(new QUndoStack(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_search->setPlaceholderText(tr("Search %1s").arg(resourceNoun(kind)));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultSectionSize(110);
    m_table->setColumnWidth(0, 60);
    if (resourceKeyShape(kind) != KeyShape::Id) // usernames, credentials, vault/1, plugin names: as wide as the visible ones
        m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->setWordWrap(false);

    auto *buttons = new QHBoxLayout;
    auto button = [this, buttons](const QString &text, const QString &tip, auto slot) {
        auto *b = new QPushButton(text, this);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        buttons->addWidget(b);
        return b;
    };
    const bool routes = kind == ResourceKind::Route;
    button(tr("Add"), tr("A new one, in the editor; Apply creates it"), [this] { addNew(starter(m_kind)); })->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    button(tr("Duplicate"), tr("A copy of the selected one, with a new id"), [this] {
        const auto snap = m_store->snapshot();
        const auto &map = snap->of(m_kind);
        const QString id = selectedId();
        if (!map.contains(id))
            return;
        QJsonObject copy = map.value(id).value;
        for (const char *k : {"id", "create_time", "update_time"})
            copy.remove(QLatin1String(k));
        addNew(copy);
    });
    if (kind == ResourceKind::Consumer)
        button(tr("Add credential"), tr("A credential of the selected consumer (consumers/<name>/credentials/<id>, APISIX 3.7+), in the editor"),
               [this] { addCredential(); });
    button(tr("Delete"), tr("Delete the selected one (Undo brings it back)"), [this] { removeSelected(); });
    if (routes)
        button(tr("Enable/Disable"), tr("Toggle status between 1 and 0"), [this] { toggleEnabled(); });
    QPushButton *undo = button(tr("Undo delete"), QString(), [this] { m_undo->undo(); });
    undo->setEnabled(false);
    connect(m_undo, &QUndoStack::canUndoChanged, undo, &QPushButton::setEnabled);
    buttons->addStretch();

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_search);
    leftLayout->addWidget(m_table, 1);
    leftLayout->addLayout(buttons);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(m_editor);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const QString id = selectedId();
        if (m_reselecting || id.isEmpty() || id == m_editor->id())
            return;
        if (!m_editor->confirmLeave(this)) {
            // Cancelled: the list goes back to the one still in the editor.
            QTimer::singleShot(0, this, [this] { reselectEditor(); });
            return;
        }
        m_editor->open(m_kind, id);
    });
    // The list is rebuilt on every change; the selection stays on the one in the editor.
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] { reselectEditor(); });
    connect(m_editor, &RouteEditor::message, this, &RoutesPanel::message);
    // Once the list shows an applied new one, it is selected; by then the editor may have moved on.
    connect(m_editor, &RouteEditor::applied, this, [this] { QTimer::singleShot(0, this, [this] { reselectEditor(); }); });
}

void RoutesPanel::reselectEditor()
{
    const bool was = std::exchange(m_reselecting, true);
    const int row = rowOf(m_editor->id());
    if (row >= 0) {
        m_table->selectRow(row);
    } else {
        // Not in the list (a new one): no row stays current, so a click on any row opens it.
        m_table->selectionModel()->clearCurrentIndex();
        m_table->clearSelection();
    }
    m_reselecting = was;
}

int RoutesPanel::rowOf(const QString &id) const
{
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        if (m_proxy->index(row, 0).data().toString() == id)
            return row;
    return -1;
}

QString RoutesPanel::newKey(const QJsonObject &value) const
{
    switch (resourceKeyShape(m_kind)) {
    case KeyShape::Username: return value.value(QStringLiteral("username")).toString();
    case KeyShape::PluginName: return QStringLiteral("http-logger"); // the starter's: its docs' log_format example
    case KeyShape::ManagerAndId: return QStringLiteral("vault/") + nextFreeId();
    case KeyShape::Id: break;
    }
    return nextFreeId();
}

QString RoutesPanel::nextFreeId() const
{
    // As in the APISIX docs (routes/1, upstreams/1): the integer after the highest integer id in use.
    const auto snap = m_store->snapshot();
    const auto &map = snap->of(m_kind);
    qint64 highest = 0;
    for (auto it = map.keyBegin(); it != map.keyEnd(); ++it) {
        bool ok = false;
        const qint64 n = it->section(QLatin1Char('/'), -1).toLongLong(&ok); // (a secret's: vault/<id>)
        if (ok && n > highest && it->size() < 19)
            highest = n;
    }
    return QString::number(highest + 1);
}

QString RoutesPanel::selectedId() const
{
    const QModelIndex index = m_table->currentIndex();
    return index.isValid() ? m_proxy->index(index.row(), 0).data().toString() : QString();
}

void RoutesPanel::select(const QString &id)
{
    const int row = rowOf(id);
    if (row >= 0)
        m_table->selectRow(row);
}

void RoutesPanel::addNew(QJsonObject value)
{
    if (!m_editor->confirmLeave(this))
        return;
    m_editor->open(m_kind, newKey(value), value);
    reselectEditor();
    Q_EMIT message(tr("New %1 in the editor: Apply (Ctrl+Return) creates it").arg(resourceNoun(m_kind)));
}

void RoutesPanel::addCredential()
{
    const QString consumer = selectedId().section(QLatin1Char('/'), 0, 0);
    if (consumer.isEmpty()) {
        Q_EMIT message(tr("Select the consumer the credential is for first"));
        return;
    }
    if (!m_editor->confirmLeave(this))
        return;
    const auto snap = m_store->snapshot();
    const QString prefix = consumer + QStringLiteral("/credentials/");
    int n = 1;
    while (snap->consumers.contains(prefix + QString::number(n)))
        ++n;
    // As in the key-auth docs: one auth plugin, a key to change.
    const QJsonObject value{{"plugins", QJsonObject{{"key-auth", QJsonObject{{"key", QStringLiteral("%1-key-%2").arg(consumer).arg(n)}}}}}};
    m_editor->open(m_kind, prefix + QString::number(n), value);
    reselectEditor();
    Q_EMIT message(tr("New credential of %1 in the editor: Apply (Ctrl+Return) creates it").arg(consumer));
}

void RoutesPanel::removeSelected()
{
    const QString id = selectedId();
    const auto snap = m_store->snapshot();
    const auto &map = snap->of(m_kind);
    if (!map.contains(id))
        return;
    QJsonObject value = map.value(id).value;
    value.remove(QStringLiteral("update_time"));
    const ConfigStore::Outcome outcome = m_store->remove(m_kind, id); // refused like the Admin API when in use
    if (outcome.status >= 400) {
        Q_EMIT message(outcome.error);
        return;
    }
    m_undo->push(new DeleteCommand(m_store, m_kind, id, value));
    Q_EMIT message(tr("Deleted %1 (Undo delete brings it back)").arg(id));
}

void RoutesPanel::toggleEnabled()
{
    const QString id = selectedId();
    const auto snap = m_store->snapshot();
    if (!snap->routes.contains(id))
        return;
    if (id == m_editor->id() && m_editor->isModified()) {
        // The toggle would be overwritten by the next Apply, or drop the edits: the user decides first.
        Q_EMIT message(tr("Route %1 has edits in the editor: apply or revert them first, or untick \"enabled\" in the form").arg(id));
        return;
    }
    const bool enabled = snap->routes.value(id).value.value(QStringLiteral("status")).toInt(1) != 0;
    const auto outcome = m_store->patch(ResourceKind::Route, id, QJsonObject{{"status", enabled ? 0 : 1}});
    if (outcome.status < 400 && id == m_editor->id())
        m_editor->open(m_kind, id); // our own change: shown as it is now, not as a change made elsewhere
    Q_EMIT message(outcome.status < 400 ? tr("Route %1 %2").arg(id, enabled ? tr("disabled") : tr("enabled")) : outcome.error);
}
