#include "confeditor.h"

#include "editorchecks.h"
#include "jsoneditor.h"
#include "jsonlocator.h"
#include "tablecells.h"

#include <QCheckBox>
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
      m_table(new QTableWidget(0, 2, this)), m_degradation(new QCheckBox(tr("allow_degradation: on runner failure, go on without this plugin"), this))
{
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
    connect(m_table, &QTableWidget::cellChanged, this, [this] {
        if (!m_loading)
            Q_EMIT edited();
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column == 1)
            editValue(row);
    });
    connect(m_degradation, &QCheckBox::toggled, this, [this] {
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
    return o;
}
