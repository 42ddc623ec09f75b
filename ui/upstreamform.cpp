#include "upstreamform.h"

#include "tablecells.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <utility>

namespace {
const char *const kTimeouts[] = {"connect", "send", "read"};

// Shows `value` in the box; a value the list lacks (a newer APISIX's) is added, so that it is kept.
void select(QComboBox *box, const QString &value)
{
    if (box->findText(value) < 0)
        box->addItem(value);
    box->setCurrentText(value);
}

// "default" at the minimum: a spin box at its minimum writes nothing.
template<typename Spin>
Spin *optionalSpin(QWidget *parent, double minimum, double maximum, const QString &suffix = {})
{
    auto *spin = new Spin(parent);
    using Value = decltype(spin->value());
    spin->setRange(Value(minimum), Value(maximum));
    spin->setSpecialValueText(UpstreamForm::tr("default"));
    spin->setSuffix(suffix);
    return spin;
}

// Writes `value` under `key` when it is not the box's "default", or when the loaded object had the key.
template<typename Spin>
void putOptional(QJsonObject &o, const QJsonObject &loaded, const char *key, const Spin *spin)
{
    const QString name = QLatin1String(key);
    if (spin->value() > spin->minimum())
        o.insert(name, spin->value());
    else if (!loaded.contains(name))
        o.remove(name);
}

void putText(QJsonObject &o, const char *key, const QString &text)
{
    if (text.isEmpty())
        o.remove(QLatin1String(key));
    else
        o.insert(QLatin1String(key), text);
}

// A combo's choice under `key`, unless it is `byDefault` and the loaded object did not name it.
void putChoice(QJsonObject &o, const QJsonObject &loaded, const char *key, const QComboBox *box, const char *byDefault)
{
    const QString name = QLatin1String(key);
    if (box->currentText() != QLatin1String(byDefault) || loaded.contains(name))
        o.insert(name, box->currentText());
    else
        o.remove(name);
}
} // namespace

UpstreamForm::UpstreamForm(Use use, QWidget *parent)
    : QWidget(parent), m_type(new QComboBox(this)), m_hashOn(new QComboBox(this)), m_key(new QLineEdit(this)),
      m_nodes(new QTableWidget(0, 2, this)), m_scheme(new QComboBox(this)), m_passHost(new QComboBox(this)),
      m_upstreamHost(new QLineEdit(this)), m_retries(optionalSpin<QSpinBox>(this, -1, 65535)),
      m_retryTimeout(optionalSpin<QDoubleSpinBox>(this, 0, 3600, QStringLiteral(" s"))),
      m_poolSize(optionalSpin<QSpinBox>(this, 0, 1000000)), m_poolIdle(optionalSpin<QDoubleSpinBox>(this, 0, 86400, QStringLiteral(" s"))),
      m_poolRequests(optionalSpin<QSpinBox>(this, 0, 100000000))
{
    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    if (use == Use::Standalone) {
        m_name = new QLineEdit(this);
        m_desc = new QLineEdit(this);
        m_name->setObjectName(QStringLiteral("upstreamName"));
        m_desc->setObjectName(QStringLiteral("upstreamDesc"));
        form->addRow(tr("Name"), m_name);
        form->addRow(tr("Description"), m_desc);
        connect(m_name, &QLineEdit::textEdited, this, &UpstreamForm::changed);
        connect(m_desc, &QLineEdit::textEdited, this, &UpstreamForm::changed);
    }
    m_type->setObjectName(QStringLiteral("type"));
    m_type->addItems({QStringLiteral("roundrobin"), QStringLiteral("chash"), QStringLiteral("ewma"), QStringLiteral("least_conn")});
    m_type->setToolTip(tr("How a node is picked: weighted round robin, consistent hash on the key below, lowest latency, fewest connections"));
    m_hashOn->setObjectName(QStringLiteral("hashOn"));
    m_hashOn->addItems({QStringLiteral("vars"), QStringLiteral("header"), QStringLiteral("cookie"), QStringLiteral("consumer"),
                        QStringLiteral("vars_combinations")});
    m_key->setObjectName(QStringLiteral("key"));
    m_key->setPlaceholderText(tr("e.g. remote_addr, uri, arg_id (vars); a header or cookie name"));
    auto *hashRow = new QHBoxLayout;
    hashRow->addWidget(m_type);
    hashRow->addWidget(new QLabel(tr("hash on"), this));
    hashRow->addWidget(m_hashOn);
    hashRow->addWidget(m_key, 1);
    form->addRow(tr("Type"), hashRow);

    m_nodes->setObjectName(QStringLiteral("nodes"));
    m_nodes->setHorizontalHeaderLabels({tr("node (host:port)"), tr("weight")});
    m_nodes->horizontalHeader()->setStretchLastSection(true);
    m_nodes->setColumnWidth(0, 220);
    m_nodes->setMaximumHeight(120);
    auto *addNode = new QPushButton(tr("Add node"), this);
    auto *removeNode = new QPushButton(tr("Remove node"), this);
    auto *nodeButtons = new QHBoxLayout;
    nodeButtons->addWidget(addNode);
    nodeButtons->addWidget(removeNode);
    nodeButtons->addStretch();
    auto *nodesBox = new QVBoxLayout;
    nodesBox->addWidget(m_nodes);
    nodesBox->addLayout(nodeButtons);
    form->addRow(use == Use::InRoute ? tr("Upstream nodes") : tr("Nodes"), nodesBox);

    m_scheme->setObjectName(QStringLiteral("scheme"));
    m_scheme->addItems({QStringLiteral("http"), QStringLiteral("https"), QStringLiteral("grpc"), QStringLiteral("grpcs")});
    auto *schemeRow = new QHBoxLayout;
    schemeRow->addWidget(m_scheme);
    schemeRow->addStretch();
    form->addRow(tr("Scheme"), schemeRow);
    m_passHost->setObjectName(QStringLiteral("passHost"));
    m_passHost->addItems({QStringLiteral("pass"), QStringLiteral("node"), QStringLiteral("rewrite")});
    m_upstreamHost->setObjectName(QStringLiteral("upstreamHost"));
    m_upstreamHost->setPlaceholderText(tr("upstream_host (for rewrite)"));
    auto *hostRow = new QHBoxLayout;
    hostRow->addWidget(m_passHost);
    hostRow->addWidget(m_upstreamHost);
    form->addRow(tr("pass_host"), hostRow);

    auto *timeouts = new QHBoxLayout;
    for (int i = 0; i < 3; ++i) {
        m_timeouts[i] = optionalSpin<QDoubleSpinBox>(this, 0, 3600, QStringLiteral(" s"));
        m_timeouts[i]->setDecimals(3);
        timeouts->addWidget(new QLabel(QLatin1String(kTimeouts[i]), this));
        timeouts->addWidget(m_timeouts[i]);
        connect(m_timeouts[i], &QDoubleSpinBox::valueChanged, this, &UpstreamForm::changed);
    }
    form->addRow(tr("Timeouts (all three, or none)"), timeouts);

    m_retries->setObjectName(QStringLiteral("retries"));
    m_retries->setToolTip(tr("default: as many retries as there are other nodes"));
    m_retryTimeout->setObjectName(QStringLiteral("retryTimeout"));
    auto *retryRow = new QHBoxLayout;
    retryRow->addWidget(m_retries);
    retryRow->addWidget(new QLabel(tr("within"), this));
    retryRow->addWidget(m_retryTimeout);
    retryRow->addStretch();
    form->addRow(tr("Retries"), retryRow);

    m_poolSize->setObjectName(QStringLiteral("poolSize"));
    m_poolIdle->setObjectName(QStringLiteral("poolIdle"));
    m_poolRequests->setObjectName(QStringLiteral("poolRequests"));
    auto *poolRow = new QHBoxLayout;
    poolRow->addWidget(new QLabel(tr("size"), this));
    poolRow->addWidget(m_poolSize);
    poolRow->addWidget(new QLabel(tr("idle"), this));
    poolRow->addWidget(m_poolIdle);
    poolRow->addWidget(new QLabel(tr("requests"), this));
    poolRow->addWidget(m_poolRequests);
    form->addRow(tr("Keepalive pool"), poolRow);

    for (QComboBox *box : {m_type, m_hashOn, m_scheme, m_passHost})
        connect(box, &QComboBox::currentIndexChanged, this, &UpstreamForm::changed);
    connect(m_type, &QComboBox::currentIndexChanged, this, &UpstreamForm::updateHashFields);
    for (QLineEdit *edit : {m_key, m_upstreamHost})
        connect(edit, &QLineEdit::textEdited, this, &UpstreamForm::changed);
    for (QSpinBox *spin : {m_retries, m_poolSize, m_poolRequests})
        connect(spin, &QSpinBox::valueChanged, this, &UpstreamForm::changed);
    for (QDoubleSpinBox *spin : {m_retryTimeout, m_poolIdle})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &UpstreamForm::changed);
    connect(m_nodes, &QTableWidget::cellChanged, this, &UpstreamForm::changed);
    connect(addNode, &QPushButton::clicked, this, [this] {
        addNodeRow(QStringLiteral("127.0.0.1:1980"), 1);
        m_nodes->setCurrentCell(m_nodes->rowCount() - 1, 0);
        Q_EMIT edited();
    });
    connect(removeNode, &QPushButton::clicked, this, [this] {
        if (m_nodes->currentRow() < 0)
            return;
        m_nodes->removeRow(m_nodes->currentRow());
        Q_EMIT edited();
    });
    updateHashFields();
}

void UpstreamForm::changed()
{
    if (!m_loading)
        Q_EMIT edited();
}

void UpstreamForm::updateHashFields()
{
    const bool chash = m_type->currentText() == QLatin1String("chash");
    m_hashOn->setEnabled(chash);
    m_key->setEnabled(chash);
}

int UpstreamForm::nodeCount() const
{
    return m_nodes->rowCount();
}

void UpstreamForm::addNodeRow(const QString &address, int weight)
{
    // Both cells first, then the edit is reported: cellChanged on a half-made row would be read as one.
    const bool wasLoading = std::exchange(m_loading, true);
    const int row = m_nodes->rowCount();
    m_nodes->insertRow(row);
    m_nodes->setItem(row, 0, new QTableWidgetItem(address));
    m_nodes->setItem(row, 1, new QTableWidgetItem(QString::number(weight)));
    m_loading = wasLoading;
}

void UpstreamForm::setUpstream(const QJsonObject &up)
{
    m_loading = true;
    m_loaded = up;
    if (m_name) {
        m_name->setText(up.value(QStringLiteral("name")).toString());
        m_desc->setText(up.value(QStringLiteral("desc")).toString());
    }
    select(m_type, up.value(QStringLiteral("type")).toString(QStringLiteral("roundrobin")));
    select(m_hashOn, up.value(QStringLiteral("hash_on")).toString(QStringLiteral("vars")));
    m_key->setText(up.value(QStringLiteral("key")).toString());
    m_nodes->setRowCount(0);
    const QJsonValue nodes = up.value(QStringLiteral("nodes"));
    if (nodes.isObject()) {
        const QJsonObject o = nodes.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            addNodeRow(it.key(), it.value().toInt());
    } else {
        for (const QJsonValue &n : nodes.toArray())
            addNodeRow(QStringLiteral("%1:%2").arg(n.toObject().value(QStringLiteral("host")).toString()).arg(n.toObject().value(QStringLiteral("port")).toInt(80)),
                       n.toObject().value(QStringLiteral("weight")).toInt());
    }
    select(m_scheme, up.value(QStringLiteral("scheme")).toString(QStringLiteral("http")));
    select(m_passHost, up.value(QStringLiteral("pass_host")).toString(QStringLiteral("pass")));
    m_upstreamHost->setText(up.value(QStringLiteral("upstream_host")).toString());
    const QJsonObject t = up.value(QStringLiteral("timeout")).toObject();
    for (int i = 0; i < 3; ++i)
        m_timeouts[i]->setValue(t.value(QLatin1String(kTimeouts[i])).toDouble(0));
    m_retries->setValue(up.value(QStringLiteral("retries")).toInt(-1));
    m_retryTimeout->setValue(up.value(QStringLiteral("retry_timeout")).toDouble(0));
    const QJsonObject pool = up.value(QStringLiteral("keepalive_pool")).toObject();
    m_poolSize->setValue(pool.value(QStringLiteral("size")).toInt(0));
    m_poolIdle->setValue(pool.value(QStringLiteral("idle_timeout")).toDouble(0));
    m_poolRequests->setValue(pool.value(QStringLiteral("requests")).toInt(0));
    updateHashFields();
    m_loading = false;
}

QJsonObject UpstreamForm::toJson(QJsonObject up) const
{
    if (m_name) {
        putText(up, "name", m_name->text());
        putText(up, "desc", m_desc->text());
    }
    putChoice(up, m_loaded, "type", m_type, "roundrobin");
    if (m_type->currentText() == QLatin1String("chash")) {
        putChoice(up, m_loaded, "hash_on", m_hashOn, "vars");
        putText(up, "key", m_key->text().trimmed());
    }
    if (up.value(QStringLiteral("nodes")).isArray()) {
        QJsonArray nodes;
        for (int row = 0; row < m_nodes->rowCount(); ++row) {
            const QString addr = cellText(m_nodes, row, 0);
            const qsizetype colon = addr.lastIndexOf(QLatin1Char(':'));
            nodes.append(QJsonObject{{QStringLiteral("host"), addr.left(colon)}, {QStringLiteral("port"), addr.mid(colon + 1).toInt()},
                                     {QStringLiteral("weight"), cellText(m_nodes, row, 1).toInt()}});
        }
        up.insert(QStringLiteral("nodes"), nodes);
    } else {
        QJsonObject nodes;
        for (int row = 0; row < m_nodes->rowCount(); ++row)
            nodes.insert(cellText(m_nodes, row, 0).trimmed(), cellText(m_nodes, row, 1).toInt());
        up.insert(QStringLiteral("nodes"), nodes);
    }
    putChoice(up, m_loaded, "scheme", m_scheme, "http");
    putChoice(up, m_loaded, "pass_host", m_passHost, "pass");
    putText(up, "upstream_host", m_upstreamHost->text());
    QJsonObject t = up.value(QStringLiteral("timeout")).toObject();
    for (int i = 0; i < 3; ++i)
        putOptional(t, QJsonObject(), kTimeouts[i], m_timeouts[i]);
    if (t.isEmpty())
        up.remove(QStringLiteral("timeout"));
    else
        up.insert(QStringLiteral("timeout"), t);
    putOptional(up, QJsonObject(), "retries", m_retries); // -1: not set, as APISIX's default
    putOptional(up, m_loaded, "retry_timeout", m_retryTimeout);
    const QJsonObject loadedPool = m_loaded.value(QStringLiteral("keepalive_pool")).toObject();
    QJsonObject pool = up.value(QStringLiteral("keepalive_pool")).toObject();
    putOptional(pool, loadedPool, "size", m_poolSize);
    putOptional(pool, loadedPool, "idle_timeout", m_poolIdle);
    putOptional(pool, loadedPool, "requests", m_poolRequests);
    if (pool.isEmpty() && !m_loaded.contains(QStringLiteral("keepalive_pool")))
        up.remove(QStringLiteral("keepalive_pool"));
    else
        up.insert(QStringLiteral("keepalive_pool"), pool);
    return up;
}
