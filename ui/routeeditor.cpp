#include "routeeditor.h"

#include "editorchecks.h"
#include "jsoneditor.h"
#include "jsonlocator.h"
#include "routeform.h"

#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace {
constexpr int kPointerRole = Qt::UserRole + 1;

QString pretty(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
}
} // namespace

RouteEditor::RouteEditor(ConfigStore *store, PluginCatalogue catalogue, QWidget *parent)
    : QWidget(parent), m_store(store), m_catalogue(catalogue), m_faces(new QTabWidget(this)),
      m_form(new RouteForm(catalogue, this)), m_json(new JsonEditor(this)), m_problems(new QListWidget(this)),
      m_title(new QLabel(this)), m_apply(new QPushButton(tr("Apply"), this)), m_revert(new QPushButton(tr("Revert"), this))
{
    m_faces->addTab(m_form, tr("Form"));
    m_faces->addTab(m_json, tr("JSON"));
    auto *undo = new QPushButton(tr("Undo"), this);
    auto *redo = new QPushButton(tr("Redo"), this);
    m_apply->setToolTip(tr("Apply to the running engine (Ctrl+Return)"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_title, 1);
    buttons->addWidget(undo);
    buttons->addWidget(redo);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_faces);
    splitter->addWidget(m_problems);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(splitter, 1);

    m_checkTimer.setSingleShot(true);
    m_checkTimer.setInterval(150);
    connect(&m_checkTimer, &QTimer::timeout, this, &RouteEditor::checkNow);
    connect(m_json, &QsciScintilla::textChanged, this, &RouteEditor::onJsonEdited);
    connect(m_form, &RouteForm::edited, this, &RouteEditor::onFormEdited);
    connect(m_apply, &QPushButton::clicked, this, &RouteEditor::apply);
    connect(m_revert, &QPushButton::clicked, this, [this] { open(m_kind, m_id); });
    connect(undo, &QPushButton::clicked, m_json, &QsciScintilla::undo);
    connect(redo, &QPushButton::clicked, m_json, &QsciScintilla::redo);
    auto *applyShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    applyShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(applyShortcut, &QShortcut::activated, this, &RouteEditor::apply);
    connect(m_problems, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const qsizetype offset = item->data(kPointerRole).toLongLong();
        m_faces->setCurrentWidget(m_json);
        m_json->jumpTo(offset);
    });
    connect(m_problems, &QListWidget::itemClicked, m_problems, &QListWidget::itemActivated);
    connect(store, &ConfigStore::changed, this, &RouteEditor::onStoreChanged, Qt::QueuedConnection);
    setEnabled(false);
}

QJsonObject RouteEditor::editable(QJsonObject value) const
{
    // The engine keeps these itself.
    value.remove(QStringLiteral("create_time"));
    value.remove(QStringLiteral("update_time"));
    return value;
}

void RouteEditor::open(ResourceKind kind, const QString &id, const QJsonObject &initial)
{
    m_kind = kind;
    m_id = id;
    const auto snap = m_store->snapshot();
    const auto &map = kind == ResourceKind::Route ? snap->routes : snap->upstreams;
    const auto it = map.constFind(id);
    m_version = it != map.constEnd() ? it->version : 0;
    m_faces->setTabVisible(0, kind == ResourceKind::Route);
    if (kind != ResourceKind::Route)
        m_faces->setCurrentWidget(m_json);
    setEnabled(true);
    load(it != map.constEnd() ? editable(it->value) : initial);
    setModified(it == map.constEnd());
}

void RouteEditor::load(const QJsonObject &value)
{
    m_syncing = true;
    m_json->setText(pretty(value));
    if (m_kind == ResourceKind::Route)
        m_form->setRoute(value);
    m_syncing = false;
    checkNow();
}

void RouteEditor::onJsonEdited()
{
    if (m_syncing)
        return;
    setModified(true);
    m_checkTimer.start();
}

void RouteEditor::onFormEdited()
{
    if (m_syncing)
        return;
    const QJsonDocument doc = QJsonDocument::fromJson(m_json->textUtf8());
    if (!doc.isObject()) {
        Q_EMIT message(tr("Fix the JSON first: the form writes into it"));
        return;
    }
    m_syncing = true;
    m_json->replaceAllText(pretty(m_form->toJson(doc.object())));
    m_syncing = false;
    setModified(true);
    m_checkTimer.start();
}

void RouteEditor::checkNow()
{
    m_checkTimer.stop();
    const QByteArray text = m_json->textUtf8();
    const JsonLocator locator(text);
    m_problems->clear();
    m_currentProblems.clear();
    auto addItem = [this, &text](bool error, qsizetype offset, const QString &pointer, const QString &message) {
        const auto [line, column] = lineColumn(text, offset);
        auto *item = new QListWidgetItem(QStringLiteral("%1  line %2  %3  %4").arg(error ? tr("error") : tr("warning")).arg(line)
                                             .arg(pointer.isEmpty() ? QStringLiteral("/") : pointer, message), m_problems);
        item->setForeground(error ? QColor(0xd0, 0x20, 0x20) : QColor(0xb0, 0x70, 0x00));
        item->setData(kPointerRole, QVariant::fromValue<qlonglong>(offset));
    };
    if (!locator.isValid()) {
        m_jsonValid = false;
        m_json->showParseError(locator.errorOffset(), locator.errorText());
        addItem(true, locator.errorOffset(), QString(), tr("not valid JSON: %1").arg(locator.errorText()));
        m_currentProblems.append({Problem::Severity::Error, QString(), locator.errorText()});
        m_apply->setEnabled(false);
        m_form->setEnabled(false);
        return;
    }
    m_jsonValid = true;
    m_form->setEnabled(true);
    const QJsonObject value = QJsonDocument::fromJson(text).object();
    const auto snap = m_store->snapshot();
    if (m_kind == ResourceKind::Route) {
        m_currentProblems = EditorChecks::checkRoute(value, [&snap](const QString &id) { return snap->upstreams.contains(id); }, m_catalogue);
        if (!m_syncing && m_faces->currentWidget() == m_json) {
            m_syncing = true;
            m_form->setRoute(value);
            m_syncing = false;
        }
    } else {
        m_currentProblems = Validator::validateUpstream(value);
    }
    m_json->showProblems(m_currentProblems, locator);
    for (const Problem &p : std::as_const(m_currentProblems))
        addItem(p.isError(), locator.valueRange(p.pointer).start, p.pointer, p.message);
    if (m_currentProblems.isEmpty())
        new QListWidgetItem(tr("No problems."), m_problems);
    m_apply->setEnabled(!hasErrors(m_currentProblems));
}

bool RouteEditor::apply()
{
    checkNow();
    if (!m_jsonValid || hasErrors(m_currentProblems)) {
        Q_EMIT message(tr("Not applied: fix the errors first"));
        return false;
    }
    const QJsonObject value = QJsonDocument::fromJson(m_json->textUtf8()).object();
    const ConfigStore::Outcome outcome = m_store->put(m_kind, m_id, value);
    if (outcome.status >= 400) {
        Q_EMIT message(tr("Not applied: %1").arg(outcome.error));
        return false;
    }
    m_version = outcome.stored.version;
    setModified(false);
    Q_EMIT applied(m_id);
    Q_EMIT message(tr("Applied %1 %2: live traffic uses it now").arg(m_kind == ResourceKind::Route ? tr("route") : tr("upstream"), m_id));
    return true;
}

void RouteEditor::onStoreChanged(ResourceKind kind, const QString &id)
{
    if (!isEnabled() || kind != m_kind || (id != m_id && !id.isEmpty()))
        return;
    const auto snap = m_store->snapshot();
    const auto &map = kind == ResourceKind::Route ? snap->routes : snap->upstreams;
    const auto it = map.constFind(m_id);
    const quint64 version = it != map.constEnd() ? it->version : 0;
    if (version == m_version)
        return; // our own apply, or nothing new
    if (m_modified) {
        const auto answer = QMessageBox::question(this, tr("Changed elsewhere"),
            tr("%1 %2 was changed outside this editor (Admin API or another window).\nLoad the new version and drop your edits?")
                .arg(m_kind == ResourceKind::Route ? tr("Route") : tr("Upstream"), m_id));
        if (answer != QMessageBox::Yes) {
            m_version = version; // do not ask again for this version
            return;
        }
    }
    if (it == map.constEnd()) {
        Q_EMIT message(tr("%1 was deleted elsewhere; Apply creates it again").arg(m_id));
        m_version = 0;
        setModified(true);
        return;
    }
    m_version = version;
    load(editable(it->value));
    setModified(false);
    Q_EMIT message(tr("%1 was changed elsewhere: reloaded").arg(m_id));
}

void RouteEditor::setModified(bool modified)
{
    const QString what = m_kind == ResourceKind::Route ? tr("Route") : tr("Upstream");
    m_title->setText(QStringLiteral("<b>%1 %2</b>%3").arg(what, m_id.toHtmlEscaped(), modified ? tr(" — edited, not applied") : QString()));
    if (m_modified == modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}
