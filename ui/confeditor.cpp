#include "confeditor.h"

#include "editorchecks.h"
#include "jsoneditor.h"
#include "jsonlocator.h"
#include "tablecells.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QCompleter>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

#include <utility>

namespace {
// Completes conf names from the catalogue.
class NameDelegate : public QStyledItemDelegate
{
public:
    NameDelegate(QStringList names, QObject *parent) : QStyledItemDelegate(parent), m_names(std::move(names)) {}
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QWidget *w = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto *edit = qobject_cast<QLineEdit *>(w)) {
            auto *completer = new QCompleter(m_names, edit);
            completer->setCaseSensitivity(Qt::CaseInsensitive);
            edit->setCompleter(completer);
        }
        return w;
    }

private:
    QStringList m_names;
};

QString pretty(const QString &value)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(value.toUtf8(), &pe);
    return pe.error == QJsonParseError::NoError ? QString::fromUtf8(doc.toJson(QJsonDocument::Indented)) : value;
}

QString compact(const QString &value)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(value.toUtf8(), &pe);
    return pe.error == QJsonParseError::NoError ? QString::fromUtf8(doc.toJson(QJsonDocument::Compact)) : value;
}

QString compactJson(const QJsonValue &value) // an array or an object on one line
{
    const QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}
} // namespace

class ValueDialog : public QDialog
{
public:
    ValueDialog(const QString &name, const QString &value, const PluginCatalogue &catalogue, QWidget *parent)
        : QDialog(parent), m_editor(new JsonEditor(this)), m_status(new QLabel(this))
    {
        setWindowTitle(tr("Value of \"%1\"").arg(name));
        const CataloguePlugin *plugin = catalogue.find(name);
        auto *layout = new QVBoxLayout(this);
        if (plugin && !plugin->description.isEmpty())
            layout->addWidget(new QLabel(plugin->description, this));
        layout->addWidget(m_editor, 1);
        layout->addWidget(m_status);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
        layout->addWidget(buttons);
        connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        m_editor->setText(pretty(value));
        auto check = [this, name, plugin] {
            const QByteArray text = m_editor->textUtf8();
            if (text.trimmed().isEmpty()) {
                m_editor->clearProblems();
                m_status->setText(tr("Empty: the runner gets an empty string."));
                return;
            }
            const JsonLocator locator(text);
            if (!locator.isValid()) {
                const auto [line, column] = lineColumn(text, locator.errorOffset());
                m_editor->showParseError(locator.errorOffset(), locator.errorText());
                m_status->setText(tr("Not JSON: %1 (line %2, column %3). The runner would get the text as it is.").arg(locator.errorText()).arg(line).arg(column));
                return;
            }
            Problems problems;
            if (plugin && !plugin->schema.isEmpty())
                problems = EditorChecks::checkValueAgainstSchema(text, plugin->schema, QString(), name);
            m_editor->showProblems(problems, locator);
            m_status->setText(problems.isEmpty() ? tr("Valid JSON%1.").arg(plugin && !plugin->schema.isEmpty() ? tr(", matches the catalogue schema") : QString())
                                                 : problems.first().shown());
        };
        connect(m_editor, &QsciScintilla::textChanged, this, check);
        check();
        resize(560, 360);
    }
    QString value() const { return compact(m_editor->text()); }
    JsonEditor *editor() const { return m_editor; }

private:
    JsonEditor *m_editor;
    QLabel *m_status;
};

ConfEditor::ConfEditor(QString pluginName, PluginCatalogue catalogue, QWidget *parent)
    : QGroupBox(pluginName, parent), m_name(std::move(pluginName)), m_catalogue(std::move(catalogue)),
      m_table(new QTableWidget(0, 2, this)), m_degradation(new QCheckBox(tr("allow_degradation: on runner failure, go on without this plugin"), this)),
      m_disabled(new QCheckBox(tr("_meta.disable: keep it on the route, not run (as APISIX)"), this)),
      m_filter(new QLineEdit(this)), m_errorAnswer(new QLineEdit(this))
{
    m_filter->setPlaceholderText(tr("every request; e.g. [[\"arg_debug\", \"==\", \"1\"]] runs it only for those"));
    m_filter->setToolTip(tr("_meta.filter: vars (as a route's) that must hold for the plugin to run"));
    m_errorAnswer->setPlaceholderText(tr("the plugin's own; text here is the body of its answers of 400 or more"));
    m_errorAnswer->setToolTip(tr("_meta.error_response: the body APISIX gives when the plugin answers 400 or more"));
    setCheckable(true);
    setChecked(false);
    m_table->setHorizontalHeaderLabels({tr("name"), tr("value (double-click to edit as JSON)")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(0, 160);
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setItemDelegateForColumn(0, new NameDelegate(m_catalogue.names(), this));
    m_table->setMinimumHeight(90);
    auto *buttons = new QHBoxLayout;
    auto button = [this, buttons](const QString &text, auto slot) {
        auto *b = new QPushButton(text, this);
        connect(b, &QPushButton::clicked, this, slot);
        buttons->addWidget(b);
    };
    button(tr("Add"), [this] {
        addRow(m_catalogue.names().value(0, QStringLiteral("name")), QString());
        m_table->setCurrentCell(m_table->rowCount() - 1, 0);
        Q_EMIT edited();
    });
    button(tr("Remove"), [this] {
        if (m_table->currentRow() >= 0) {
            m_table->removeRow(m_table->currentRow());
            Q_EMIT edited();
        }
    });
    button(tr("Up"), [this] { moveRow(-1); });
    button(tr("Down"), [this] { moveRow(1); });
    button(tr("Edit value…"), [this] { editValue(m_table->currentRow()); });
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
    layout->addLayout(buttons);
    layout->addWidget(m_degradation);
    layout->addWidget(m_disabled);
    auto *meta = new QFormLayout;
    meta->addRow(tr("Run only when (_meta.filter)"), m_filter);
    meta->addRow(tr("Error body (_meta.error_response)"), m_errorAnswer);
    layout->addLayout(meta);
    connect(m_table, &QTableWidget::cellChanged, this, [this] {
        if (!m_loading)
            Q_EMIT edited();
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column == 1)
            editValue(row);
    });
    for (QCheckBox *box : {m_degradation, m_disabled})
        connect(box, &QCheckBox::toggled, this, [this] {
            if (!m_loading)
                Q_EMIT edited();
        });
    for (QLineEdit *line : {m_filter, m_errorAnswer})
        connect(line, &QLineEdit::textEdited, this, [this] {
            if (!m_loading)
                Q_EMIT edited();
        });
    connect(this, &QGroupBox::toggled, this, [this] {
        if (!m_loading)
            Q_EMIT edited();
    });
}

void ConfEditor::addRow(const QString &name, const QString &value)
{
    // A row is only seen once both cells exist: cellChanged on the first cell must not report an edit
    // that plugin() would read half-made.
    const bool wasLoading = std::exchange(m_loading, true);
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, 0, new QTableWidgetItem(name));
    auto *valueItem = new QTableWidgetItem(value);
    valueItem->setFlags(valueItem->flags() & ~Qt::ItemIsEditable);
    m_table->setItem(row, 1, valueItem);
    m_loading = wasLoading;
}


void ConfEditor::moveRow(int delta)
{
    const int row = m_table->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_table->rowCount())
        return;
    m_loading = true;
    for (int column = 0; column < 2; ++column) {
        QTableWidgetItem *a = m_table->takeItem(row, column);
        QTableWidgetItem *b = m_table->takeItem(to, column);
        m_table->setItem(row, column, b);
        m_table->setItem(to, column, a);
    }
    m_loading = false;
    m_table->setCurrentCell(to, 0);
    Q_EMIT edited();
}

void ConfEditor::editValue(int row)
{
    if (row < 0 || row >= m_table->rowCount())
        return;
    ValueDialog dialog(cellText(m_table, row, 0), cellText(m_table, row, 1), m_catalogue, this);
    if (dialog.exec() != QDialog::Accepted || !m_table->item(row, 1))
        return;
    m_table->item(row, 1)->setText(dialog.value());
}

void ConfEditor::setPlugin(const QJsonValue &plugin)
{
    m_loading = true;
    m_table->setRowCount(0);
    const QJsonObject o = plugin.toObject();
    setChecked(plugin.isObject());
    m_degradation->setChecked(o.value(QStringLiteral("allow_degradation")).toBool());
    for (const QJsonValue &e : o.value(QStringLiteral("conf")).toArray())
        addRow(e.toObject().value(QStringLiteral("name")).toString(), e.toObject().value(QStringLiteral("value")).toString());
    m_extra = o;
    m_extra.remove(QStringLiteral("conf"));
    m_extra.remove(QStringLiteral("allow_degradation"));
    m_hadDegradationKey = o.contains(QStringLiteral("allow_degradation"));
    // _meta's fields of the form; the rest of _meta (priority, pre_function, or _meta not an object) stays.
    const QJsonValue metaValue = m_extra.value(QStringLiteral("_meta"));
    m_extraMeta = metaValue.toObject();
    if (metaValue.isObject())
        m_extra.remove(QStringLiteral("_meta"));
    // (a value of another type than the field shows stays in _meta as it is, for the checks to name)
    const QJsonValue disable = m_extraMeta.value(QStringLiteral("disable"));
    m_hadDisableKey = disable.isBool();
    m_disabled->setChecked(disable.toBool());
    if (disable.isBool())
        m_extraMeta.remove(QStringLiteral("disable"));
    const QJsonValue filter = m_extraMeta.value(QStringLiteral("filter"));
    m_filter->setText(filter.isArray() ? compactJson(filter) : filter.toString());
    if (filter.isArray() || filter.isString())
        m_extraMeta.remove(QStringLiteral("filter"));
    const QJsonValue answer = m_extraMeta.value(QStringLiteral("error_response"));
    m_errorAnswerIsObject = answer.isObject();
    m_errorAnswer->setText(answer.isObject() ? compactJson(answer) : answer.toString());
    if (answer.isObject() || answer.isString())
        m_extraMeta.remove(QStringLiteral("error_response"));
    m_loading = false;
}

QJsonValue ConfEditor::plugin() const
{
    if (!isChecked())
        return QJsonValue(QJsonValue::Undefined);
    QJsonObject o = m_extra;
    if (m_table->rowCount() > 0) {
        QJsonArray conf;
        for (int row = 0; row < m_table->rowCount(); ++row)
            conf.append(QJsonObject{{QStringLiteral("name"), cellText(m_table, row, 0)}, {QStringLiteral("value"), cellText(m_table, row, 1)}});
        o.insert(QStringLiteral("conf"), conf);
    }
    if (m_degradation->isChecked() || m_hadDegradationKey)
        o.insert(QStringLiteral("allow_degradation"), m_degradation->isChecked());
    QJsonObject meta = m_extraMeta;
    if (m_disabled->isChecked() || m_hadDisableKey)
        meta.insert(QStringLiteral("disable"), m_disabled->isChecked());
    if (const QString filter = m_filter->text().trimmed(); !filter.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(filter.toUtf8());
        meta.insert(QStringLiteral("filter"), doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(filter)); // not JSON: the checks say so
    }
    if (const QString answer = m_errorAnswer->text(); !answer.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(answer.toUtf8());
        meta.insert(QStringLiteral("error_response"), m_errorAnswerIsObject && doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(answer));
    }
    if (!meta.isEmpty())
        o.insert(QStringLiteral("_meta"), meta);
    return o;
}
