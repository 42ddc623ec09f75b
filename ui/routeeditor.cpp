#include "routeeditor.h"

#include "editorchecks.h"
#include "jsoneditor.h"
#include "jsonlocator.h"
#include "routeform.h"
#include "upstreamform.h"

#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <optional>

namespace {
constexpr int kPointerRole = Qt::UserRole + 1;

QString pretty(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
}

QString capitalised(QString noun) // "Plugin config"
{
    if (!noun.isEmpty())
        noun[0] = noun[0].toUpper();
    return noun;
}
} // namespace

RouteEditor::RouteEditor(ConfigStore *store, PluginCatalogue catalogue, QWidget *parent)
    : QWidget(parent), m_store(store), m_catalogue(catalogue), m_faces(new QTabWidget(this)),
      m_form(new RouteForm(catalogue, this)), m_upstreamForm(new UpstreamForm(UpstreamForm::Use::Standalone)),
      m_upstreamFace(new QScrollArea(this)), m_json(new JsonEditor(this)), m_problems(new QListWidget(this)),
      m_title(new QLabel(this)), m_idEdit(new QLineEdit(this)), m_undo(new QPushButton(tr("Undo"), this)),
      m_redo(new QPushButton(tr("Redo"), this)), m_apply(new QPushButton(tr("Apply"), this)), m_revert(new QPushButton(tr("Revert"), this))
{
    auto *upstreamPage = new QWidget; // the form at the top, not spread over the height
    auto *upstreamLayout = new QVBoxLayout(upstreamPage);
    upstreamLayout->addWidget(m_upstreamForm);
    upstreamLayout->addStretch();
    m_upstreamFace->setWidget(upstreamPage);
    m_upstreamFace->setWidgetResizable(true);
    m_faces->addTab(m_form, tr("Form"));
    m_faces->addTab(m_upstreamFace, tr("Form"));
    m_faces->addTab(m_json, tr("JSON"));
    m_apply->setToolTip(tr("Apply to the running engine (Ctrl+Return)"));
    m_revert->setToolTip(tr("Drop the edits: back to the applied version"));
    m_idEdit->setToolTip(tr("The id in the Admin API path (/apisix/admin/routes/<id>): letters, digits, - _ . (1 to 64), as APISIX accepts"));
    m_idEdit->setMaximumWidth(180);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_title, 1);
    buttons->addWidget(new QLabel(tr("id"), this));
    buttons->addWidget(m_idEdit);
    buttons->addWidget(m_undo);
    buttons->addWidget(m_redo);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    // A long problem reads whole: it wraps at the list's width.
    m_problems->setWordWrap(true);
    m_problems->setResizeMode(QListView::Adjust);
    m_problems->setTextElideMode(Qt::ElideNone);
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
    connect(m_upstreamForm, &UpstreamForm::edited, this, &RouteEditor::onFormEdited);
    connect(m_idEdit, &QLineEdit::textEdited, this, &RouteEditor::onIdEdited);
    connect(m_apply, &QPushButton::clicked, this, &RouteEditor::apply);
    connect(m_revert, &QPushButton::clicked, this, &RouteEditor::revert);
    connect(m_undo, &QPushButton::clicked, m_json, &QsciScintilla::undo);
    connect(m_redo, &QPushButton::clicked, m_json, &QsciScintilla::redo);
    auto *applyShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    applyShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(applyShortcut, &QShortcut::activated, this, &RouteEditor::apply);
    connect(m_problems, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const QVariant offset = item->data(kPointerRole);
        if (!offset.isValid())
            return; // "No problems.", or the store's answer, which has no place in the text
        m_faces->setCurrentWidget(m_json);
        m_json->jumpTo(offset.toLongLong());
    });
    connect(m_problems, &QListWidget::itemClicked, m_problems, &QListWidget::itemActivated);
    connect(store, &ConfigStore::changed, this, &RouteEditor::onStoreChanged, Qt::QueuedConnection);
    setEnabled(false);
    updateButtons();
    m_title->setText(tr("Nothing open: select one, or Add"));
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
    m_applyError.clear();
    const auto snap = m_store->snapshot();
    const auto &map = snap->of(kind);
    const auto it = map.constFind(id);
    m_version = it != map.constEnd() ? it->version : 0;
    m_initial = initial;
    m_initialId = id;
    m_idEdit->setText(id);
    m_idEdit->setReadOnly(!isNew());
    // A form face for the kinds that have one (routes, upstreams); the JSON face for every kind.
    QWidget *form = kind == ResourceKind::Route ? static_cast<QWidget *>(m_form) : kind == ResourceKind::Upstream ? m_upstreamFace : nullptr;
    m_faces->setTabVisible(m_faces->indexOf(m_form), form == m_form);
    m_faces->setTabVisible(m_faces->indexOf(m_upstreamFace), form == m_upstreamFace);
    if (!form)
        m_faces->setCurrentWidget(m_json);
    else if (m_faces->currentWidget() != m_json)
        m_faces->setCurrentWidget(form);
    setEnabled(true);
    load(it != map.constEnd() ? editable(it->value) : initial);
    setModified(isNew());
}

void RouteEditor::revert()
{
    if (!isEnabled())
        return;
    const QString id = isNew() ? m_initialId : m_id;
    open(m_kind, id, m_initial);
    Q_EMIT message(tr("Reverted %1").arg(id));
}

bool RouteEditor::confirmLeave(QWidget *dialogParent)
{
    if (!isEnabled() || !m_modified)
        return true;
    const QString what = resourceNoun(m_kind);
    QMessageBox box(QMessageBox::Warning, tr("Unapplied edits"),
                    tr("The %1 %2 has edits that are not applied.").arg(what, m_id),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, dialogParent);
    box.setInformativeText(tr("Save applies them to the running engine and the workspace."));
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Save:
        return apply(); // a refused Apply keeps the edits, and the problems panel says why
    case QMessageBox::Discard:
        if (isNew())
            closeResource(); // a new one that is not wanted is gone, and asks no more
        else
            revert();
        return true;
    default:
        return false;
    }
}

void RouteEditor::closeResource()
{
    m_id.clear();
    m_version = 0;
    m_initial = {};
    m_applyError.clear();
    m_idEdit->clear();
    m_syncing = true;
    m_json->setText(QString());
    m_json->SendScintilla(QsciScintillaBase::SCI_EMPTYUNDOBUFFER);
    m_form->setRoute({});
    m_upstreamForm->setUpstream({});
    m_syncing = false;
    m_problems->clear();
    m_currentProblems.clear();
    setModified(false);
    setEnabled(false);
    updateButtons();
    m_title->setText(tr("Nothing open: select one, or Add"));
}

void RouteEditor::load(const QJsonObject &value)
{
    m_syncing = true;
    m_json->setText(pretty(value));
    m_json->SendScintilla(QsciScintillaBase::SCI_EMPTYUNDOBUFFER); // Undo never goes back into another resource
    if (m_kind == ResourceKind::Route)
        m_form->setRoute(value);
    else if (m_kind == ResourceKind::Upstream)
        m_upstreamForm->setUpstream(value);
    m_syncing = false;
    checkNow();
}

void RouteEditor::onJsonEdited()
{
    updateButtons();
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
    const QJsonObject edited = m_kind == ResourceKind::Upstream ? m_upstreamForm->toJson(doc.object()) : m_form->toJson(doc.object());
    if (edited == doc.object())
        return; // a signal that changed nothing (a cell left, a box re-read) is no edit
    m_syncing = true;
    m_json->replaceAllText(pretty(edited));
    m_syncing = false;
    setModified(true);
    m_checkTimer.start();
}

void RouteEditor::onIdEdited(const QString &text)
{
    if (!isNew())
        return;
    m_id = text.trimmed();
    // An "id" in the JSON (a consumer's "username") follows the box, so the two never disagree.
    // (A consumer's credential, <name>/credentials/<id>, has neither.)
    const QString field = resourceKeyShape(m_kind) == KeyShape::Username ? QStringLiteral("username") : QStringLiteral("id");
    const QJsonDocument doc = QJsonDocument::fromJson(m_json->textUtf8());
    if (doc.isObject() && doc.object().contains(field) && !Validator::isCredentialKey(m_id)) {
        QJsonObject o = doc.object();
        o.insert(field, m_id);
        m_syncing = true;
        m_json->replaceAllText(pretty(o));
        m_syncing = false;
    }
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
    auto addItem = [this, &text](bool error, std::optional<qsizetype> offset, const QString &pointer, const QString &message) {
        const QString where = offset ? tr("line %1").arg(lineColumn(text, *offset).first) : tr("Apply");
        auto *item = new QListWidgetItem(QStringLiteral("%1  %2  %3  %4").arg(error ? tr("error") : tr("warning"), where,
                                             pointer.isEmpty() ? QStringLiteral("/") : pointer, message), m_problems);
        item->setForeground(error ? QColor(0xd0, 0x20, 0x20) : QColor(0xb0, 0x70, 0x00));
        if (offset)
            item->setData(kPointerRole, QVariant::fromValue<qlonglong>(*offset));
    };
    if (!m_applyError.isEmpty())
        addItem(true, std::nullopt, QString(), tr("not applied: %1").arg(m_applyError));
    if (!locator.isValid()) {
        m_jsonValid = false;
        m_json->showParseError(locator.errorOffset(), locator.errorText());
        addItem(true, locator.errorOffset(), QString(), tr("not valid JSON: %1").arg(locator.errorText()));
        m_currentProblems.append({Problem::Severity::Error, QString(), locator.errorText()});
        m_form->setEnabled(false);
        m_upstreamForm->setEnabled(false);
        updateButtons();
        return;
    }
    m_jsonValid = true;
    m_form->setEnabled(true);
    m_upstreamForm->setEnabled(true);
    const QJsonObject value = QJsonDocument::fromJson(text).object();
    const auto snap = m_store->snapshot();
    const QString what = resourceNoun(m_kind);
    const KeyShape shape = resourceKeyShape(m_kind);
    const QJsonValue bodyId = shape != KeyShape::Username ? value.value(QStringLiteral("id"))
                              : Validator::isCredentialKey(m_id) ? QJsonValue(QJsonValue::Undefined) : value.value(QStringLiteral("username"));
    if (!bodyId.isUndefined() && isNew() && shape != KeyShape::PluginName) {
        // A new one takes the id its JSON gives, as PUT /apisix/admin/<kind>/<id> would.
        const QString given = Validator::idText(bodyId);
        if (given != m_id) {
            m_id = given;
            m_idEdit->setText(given);
            updateTitle();
        }
    }
    if (const QString bad = shape == KeyShape::Id ? Validator::checkId(m_id) : QString(); !bad.isEmpty())
        m_currentProblems.append({Problem::Severity::Error, QStringLiteral("/id"), tr("%1 (\"%2\": letters, digits, - _ . only, 1 to 64)").arg(bad, m_id)});
    else if (isNew() && snap->of(m_kind).contains(m_id))
        m_currentProblems.append({Problem::Severity::Error, QStringLiteral("/id"), tr("%1 %2 exists already: choose another id").arg(what, m_id)});
    else if (shape == KeyShape::Username && bodyId.isString() && bodyId.toString() != m_id)
        m_currentProblems.append({Problem::Severity::Error, QStringLiteral("/username"), tr("wrong username: this editor edits consumer %1").arg(m_id)});
    else if (shape != KeyShape::Username && !bodyId.isUndefined() && Validator::idText(bodyId) != m_id)
        m_currentProblems.append({Problem::Severity::Error, QStringLiteral("/id"), tr("wrong %1 id: this editor edits %1 %2").arg(what, m_id)});
    if (m_kind == ResourceKind::Route) {
        m_currentProblems += EditorChecks::checkRoute(value, [&snap](ResourceKind k, const QString &id) { return snap->of(k).contains(id); }, m_catalogue,
                                                      m_store->customPlugins());
        if (!m_syncing && m_faces->currentWidget() == m_json) {
            m_syncing = true;
            m_form->setRoute(value);
            m_syncing = false;
        }
    } else {
        m_currentProblems += m_store->check(m_kind, value, m_id);
        if (m_kind == ResourceKind::Upstream && !m_syncing && m_faces->currentWidget() == m_json) {
            m_syncing = true;
            m_upstreamForm->setUpstream(value);
            m_syncing = false;
        }
        if (m_kind != ResourceKind::Upstream) // their ext plugins, against the runner's catalogue as for a route
            m_currentProblems += EditorChecks::checkExtPluginConfs(value, m_catalogue);
    }
    m_json->showProblems(m_currentProblems, locator);
    for (const Problem &p : std::as_const(m_currentProblems))
        addItem(p.isError(), locator.valueRange(p.pointer).start, p.pointer, p.shown());
    if (m_currentProblems.isEmpty() && m_applyError.isEmpty())
        new QListWidgetItem(tr("No problems."), m_problems);
    updateButtons();
}

bool RouteEditor::apply()
{
    if (!isEnabled())
        return false;
    m_applyError.clear();
    checkNow();
    if (!m_jsonValid || hasErrors(m_currentProblems)) {
        Q_EMIT message(tr("Not applied: fix the errors first (listed below the editor)"));
        return false;
    }
    const QJsonObject value = QJsonDocument::fromJson(m_json->textUtf8()).object();
    const ConfigStore::Outcome outcome = m_store->put(m_kind, m_id, value);
    if (outcome.status >= 400) {
        m_applyError = outcome.error;
        checkNow();
        Q_EMIT message(tr("Not applied: %1").arg(outcome.error));
        return false;
    }
    m_version = outcome.stored.version;
    m_idEdit->setReadOnly(true);
    setModified(false);
    checkNow();
    Q_EMIT applied(m_id);
    Q_EMIT message(tr("Applied %1 %2: live traffic uses it now").arg(resourceNoun(m_kind), m_id));
    return true;
}

void RouteEditor::onStoreChanged(ResourceKind kind, const QString &id)
{
    if (!isEnabled() || kind != m_kind || (id != m_id && !id.isEmpty()))
        return;
    const auto snap = m_store->snapshot();
    const auto &map = snap->of(kind);
    const auto it = map.constFind(m_id);
    const quint64 version = it != map.constEnd() ? it->version : 0;
    if (version == m_version) {
        if (isNew())
            checkNow(); // e.g. the id it would take was just created elsewhere
        return;
    }
    if (m_modified) {
        const auto answer = QMessageBox::question(this, tr("Changed elsewhere"),
            tr("%1 %2 was changed outside this editor (Admin API or another window).\nLoad the new version and drop your edits?")
                .arg(capitalised(resourceNoun(m_kind)), m_id));
        if (answer != QMessageBox::Yes) {
            m_version = version; // do not ask again for this version
            return;
        }
    }
    if (it == map.constEnd()) {
        Q_EMIT message(tr("%1 was deleted elsewhere; Apply creates it again").arg(m_id));
        m_version = 0;
        m_idEdit->setReadOnly(false);
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
    const bool changed = m_modified != modified;
    m_modified = modified;
    updateTitle();
    updateButtons();
    if (changed)
        Q_EMIT modifiedChanged(modified);
}

void RouteEditor::updateTitle()
{
    const QString what = capitalised(resourceNoun(m_kind));
    const QString state = isNew() ? tr(" — new, not applied") : m_modified ? tr(" — edited, not applied") : QString();
    m_title->setText(QStringLiteral("<b>%1 %2</b>%3").arg(what, m_id.toHtmlEscaped(), state));
}

void RouteEditor::updateButtons()
{
    const bool open = isEnabled();
    m_undo->setEnabled(open && m_json->isUndoAvailable());
    m_redo->setEnabled(open && m_json->isRedoAvailable());
    m_revert->setEnabled(open && m_modified);
    m_apply->setEnabled(open && m_modified && m_jsonValid && !hasErrors(m_currentProblems));
}
