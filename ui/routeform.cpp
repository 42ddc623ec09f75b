#include "routeform.h"

#include "confeditor.h"
#include "jsonnumber.h"
#include "validator.h"
#include "upstreamform.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <utility>

namespace {
// A route's timeout object as the form shows it, "connect, send, read" (a value that is not such an object: as JSON).
QString timeoutText(const QJsonValue &v)
{
    if (v.isUndefined())
        return {};
    const QJsonObject t = v.toObject();
    if (v.isObject() && t.size() == 3 && t.value(QStringLiteral("connect")).isDouble() && t.value(QStringLiteral("send")).isDouble()
        && t.value(QStringLiteral("read")).isDouble())
        return QStringLiteral("%1, %2, %3").arg(t.value(QStringLiteral("connect")).toDouble()).arg(t.value(QStringLiteral("send")).toDouble())
            .arg(t.value(QStringLiteral("read")).toDouble());
    return v.isString() ? v.toString() : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

QJsonValue timeoutValue(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(','));
    QJsonObject t;
    const char *names[] = {"connect", "send", "read"};
    for (int i = 0; parts.size() == 3 && i < 3; ++i) {
        bool ok = false;
        const double d = parts[i].trimmed().toDouble(&ok);
        if (!ok)
            return text;
        t.insert(QLatin1String(names[i]), d);
    }
    return parts.size() == 3 ? QJsonValue(t) : QJsonValue(text);
}
const char *const kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE", "PURGE"};
const char *const kPhases[] = {"ext-plugin-pre-req", "ext-plugin-post-req", "ext-plugin-post-resp"};

QStringList listOf(const QJsonObject &o, const char *single, const char *many)
{
    QStringList out;
    if (o.contains(QLatin1String(single)))
        out << o.value(QLatin1String(single)).toString();
    for (const QJsonValue &v : o.value(QLatin1String(many)).toArray())
        out << v.toString();
    return out;
}

QStringList split(const QString &text)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!part.trimmed().isEmpty())
            out << part.trimmed();
    return out;
}

// Writes a list as `single` when the route used that key (or one item and neither), else `many`.
void putList(QJsonObject &o, const QJsonObject &loaded, const char *single, const char *many, const QStringList &items)
{
    const QString one = QLatin1String(single), more = QLatin1String(many);
    const bool usedSingle = loaded.contains(one) || (!loaded.contains(more) && items.size() == 1);
    o.remove(one);
    o.remove(more);
    if (items.isEmpty())
        return;
    if (usedSingle && items.size() == 1)
        o.insert(one, items.first());
    else
        o.insert(more, QJsonArray::fromStringList(items));
}
} // namespace

RouteForm::RouteForm(PluginCatalogue catalogue, QWidget *parent)
    : QWidget(parent), m_uris(new QLineEdit(this)), m_name(new QLineEdit(this)), m_hosts(new QLineEdit(this)),
      m_labels(new QLineEdit(this)), m_priority(new QSpinBox(this)), m_enabled(new QCheckBox(tr("enabled (status 1)"), this)),
      m_websocket(new QCheckBox(tr("enable_websocket (kept and exported; RouteScope does not proxy WebSocket)"), this)),
      m_filterFunc(new QLineEdit(this)), m_timeout(new QLineEdit(this)), m_script(new QLineEdit(this)),
      m_upstream(new UpstreamForm(UpstreamForm::Use::InRoute, this)), m_upstreamId(new QLineEdit(this)), m_desc(new QLineEdit(this)), m_remoteAddrs(new QLineEdit(this)), m_vars(new QLineEdit(this)),
      m_serviceId(new QLineEdit(this)), m_pluginConfigId(new QLineEdit(this))
{
    auto *content = new QWidget;
    auto *form = new QFormLayout(content);
    m_uris->setObjectName(QStringLiteral("uris"));
    m_name->setObjectName(QStringLiteral("name"));
    m_hosts->setObjectName(QStringLiteral("hosts"));
    m_labels->setObjectName(QStringLiteral("labels"));
    m_upstreamId->setObjectName(QStringLiteral("upstreamId"));
    m_desc->setObjectName(QStringLiteral("desc"));
    m_remoteAddrs->setObjectName(QStringLiteral("remoteAddrs"));
    m_vars->setObjectName(QStringLiteral("vars"));
    m_serviceId->setObjectName(QStringLiteral("serviceId"));
    m_pluginConfigId->setObjectName(QStringLiteral("pluginConfigId"));
    m_uris->setPlaceholderText(tr("/path or /prefix/* — several separated by commas"));
    form->addRow(tr("URI"), m_uris);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Description"), m_desc);
    auto *methods = new QGridLayout;
    for (const char *m : kMethods) {
        auto *box = new QCheckBox(QLatin1String(m), content);
        methods->addWidget(box, int(m_methods.size()) / 5, int(m_methods.size()) % 5);
        m_methods << box;
        connect(box, &QCheckBox::toggled, this, [this] { if (!m_loading) Q_EMIT edited(); });
    }
    form->addRow(tr("Methods (none: any)"), methods);
    m_hosts->setPlaceholderText(tr("any; or example.com, *.example.org"));
    form->addRow(tr("Hosts"), m_hosts);
    m_remoteAddrs->setPlaceholderText(tr("any; or 127.0.0.1, 10.0.0.0/8"));
    form->addRow(tr("Client addresses"), m_remoteAddrs);
    m_vars->setPlaceholderText(tr("lua-resty-expr, e.g. [[\"arg_name\", \"==\", \"json\"]]"));
    form->addRow(tr("Vars"), m_vars);
    m_labels->setPlaceholderText(tr("key=value, team=payments"));
    form->addRow(tr("Labels"), m_labels);
    m_priority->setRange(-1000000, 1000000);
    form->addRow(tr("Priority"), m_priority);
    form->addRow(QString(), m_enabled);
    m_websocket->setObjectName(QStringLiteral("websocket"));
    form->addRow(QString(), m_websocket);
    m_filterFunc->setObjectName(QStringLiteral("filterFunc"));
    m_filterFunc->setPlaceholderText(tr("function(vars) return vars.arg_name == \"json\" end — kept and exported, not run here"));
    form->addRow(tr("filter_func"), m_filterFunc);
    m_timeout->setObjectName(QStringLiteral("timeout"));
    m_timeout->setPlaceholderText(tr("connect, send, read in seconds, e.g. 6, 6, 6 — kept and exported, not run here"));
    form->addRow(tr("timeout"), m_timeout);
    m_script->setObjectName(QStringLiteral("script"));
    m_script->setPlaceholderText(tr("Lua source run in place of the plugins — kept and exported, not run here"));
    form->addRow(tr("script"), m_script);
    m_serviceId->setPlaceholderText(tr("a service's id: its plugins, upstream and hosts apply where the route has none"));
    form->addRow(tr("Service id"), m_serviceId);
    m_pluginConfigId->setPlaceholderText(tr("a plugin config's id: its plugins, under the route's own"));
    form->addRow(tr("Plugin config id"), m_pluginConfigId);
    m_upstreamId->setPlaceholderText(tr("an upstream's id, or nodes below"));
    form->addRow(tr("Upstream id"), m_upstreamId);
    form->addRow(m_upstream);
    for (int i = 0; i < 3; ++i) {
        m_confs[i] = new ConfEditor(QLatin1String(kPhases[i]), catalogue, content);
        form->addRow(m_confs[i]);
        connect(m_confs[i], &ConfEditor::edited, this, [this] { if (!m_loading) Q_EMIT edited(); });
    }
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    for (QLineEdit *edit : {m_uris, m_name, m_hosts, m_labels, m_upstreamId, m_filterFunc, m_timeout, m_script, m_desc, m_remoteAddrs, m_vars,
                            m_serviceId, m_pluginConfigId})
        connect(edit, &QLineEdit::textEdited, this, [this] { if (!m_loading) Q_EMIT edited(); });
    connect(m_priority, &QSpinBox::valueChanged, this, [this] { if (!m_loading) Q_EMIT edited(); });
    connect(m_enabled, &QCheckBox::toggled, this, [this] { if (!m_loading) Q_EMIT edited(); });
    connect(m_websocket, &QCheckBox::toggled, this, [this] { if (!m_loading) Q_EMIT edited(); });
    connect(m_upstream, &UpstreamForm::edited, this, [this] { if (!m_loading) Q_EMIT edited(); });
}

QTableWidget *RouteForm::nodesTable() const
{
    return m_upstream->nodesTable();
}

void RouteForm::setRoute(const QJsonObject &route)
{
    m_loading = true;
    m_loaded = route;
    m_uris->setText(listOf(route, "uri", "uris").join(QStringLiteral(", ")));
    m_name->setText(route.value(QStringLiteral("name")).toString());
    const QStringList methods = listOf(route, "-", "methods");
    for (QCheckBox *box : std::as_const(m_methods))
        box->setChecked(methods.contains(box->text()));
    m_hosts->setText(listOf(route, "host", "hosts").join(QStringLiteral(", ")));
    QStringList labels;
    const QJsonObject labelObject = route.value(QStringLiteral("labels")).toObject();
    for (auto it = labelObject.begin(); it != labelObject.end(); ++it)
        labels << it.key() + QLatin1Char('=') + it.value().toString();
    m_labels->setText(labels.join(QStringLiteral(", ")));
    m_priority->setValue(route.value(QStringLiteral("priority")).toInt());
    m_enabled->setChecked(route.value(QStringLiteral("status")).toInt(1) != 0);
    m_websocket->setChecked(route.value(QStringLiteral("enable_websocket")).toBool());
    m_filterFunc->setText(route.value(QStringLiteral("filter_func")).toString());
    m_timeout->setText(timeoutText(route.value(QStringLiteral("timeout"))));
    m_script->setText(route.value(QStringLiteral("script")).toString());
    m_upstreamId->setText(Validator::idText(route.value(QStringLiteral("upstream_id"))));
    m_serviceId->setText(Validator::idText(route.value(QStringLiteral("service_id"))));
    m_pluginConfigId->setText(Validator::idText(route.value(QStringLiteral("plugin_config_id"))));
    m_desc->setText(route.value(QStringLiteral("desc")).toString());
    m_remoteAddrs->setText(listOf(route, "remote_addr", "remote_addrs").join(QStringLiteral(", ")));
    const QJsonValue vars = route.value(QStringLiteral("vars"));
    m_vars->setText(vars.isUndefined() ? QString()
                    : vars.isString() ? vars.toString() // text that was not JSON, as the user left it
                                      : QString::fromUtf8(QJsonDocument(QJsonArray{vars}).toJson(QJsonDocument::Compact)).mid(1).chopped(1));
    m_upstream->setUpstream(route.value(QStringLiteral("upstream")).toObject());
    const QJsonObject plugins = route.value(QStringLiteral("plugins")).toObject();
    for (int i = 0; i < 3; ++i)
        m_confs[i]->setPlugin(plugins.value(QLatin1String(kPhases[i])));
    m_loading = false;
}

QJsonObject RouteForm::toJson(QJsonObject o) const
{
    putList(o, m_loaded, "uri", "uris", split(m_uris->text()));
    auto putString = [&o, this](const char *key, const QString &value) {
        if (value.isEmpty())
            o.remove(QLatin1String(key));
        else
            o.insert(QLatin1String(key), value);
    };
    putString("name", m_name->text());
    QStringList methods;
    for (QCheckBox *box : m_methods)
        if (box->isChecked())
            methods << box->text();
    if (methods.isEmpty())
        o.remove(QStringLiteral("methods"));
    else
        o.insert(QStringLiteral("methods"), QJsonArray::fromStringList(methods));
    putList(o, m_loaded, "host", "hosts", split(m_hosts->text()));
    QJsonObject labels;
    for (const QString &pair : split(m_labels->text())) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        labels.insert(eq < 0 ? pair : pair.left(eq).trimmed(), eq < 0 ? QString() : pair.mid(eq + 1).trimmed());
    }
    if (labels.isEmpty() && !m_loaded.contains(QStringLiteral("labels")))
        o.remove(QStringLiteral("labels"));
    else if (labels != m_loaded.value(QStringLiteral("labels")).toObject() || !o.contains(QStringLiteral("labels")))
        o.insert(QStringLiteral("labels"), labels);
    if (m_priority->value() != 0 || m_loaded.contains(QStringLiteral("priority")))
        o.insert(QStringLiteral("priority"), m_priority->value());
    if (!m_enabled->isChecked() || m_loaded.contains(QStringLiteral("status")))
        o.insert(QStringLiteral("status"), m_enabled->isChecked() ? 1 : 0);
    if (m_websocket->isChecked() || m_loaded.contains(QStringLiteral("enable_websocket")))
        o.insert(QStringLiteral("enable_websocket"), m_websocket->isChecked());
    putString("filter_func", m_filterFunc->text());
    putString("script", m_script->text());
    // As typed when it is not three numbers yet: the validator says what is wrong until it is.
    if (const QString text = m_timeout->text().trimmed(); text.isEmpty())
        o.remove(QStringLiteral("timeout"));
    else if (text != timeoutText(m_loaded.value(QStringLiteral("timeout"))) || !o.contains(QStringLiteral("timeout")))
        o.insert(QStringLiteral("timeout"), timeoutValue(text));
    // An id as typed; one loaded as a number stays a number while its digits do not change.
    const auto putId = [&o, this](const char *key, const QLineEdit *edit) {
        const QString text = edit->text().trimmed();
        const QString name = QLatin1String(key);
        if (text.isEmpty()) {
            o.remove(name);
            return;
        }
        const QJsonValue old = m_loaded.value(name);
        o.insert(name, old.isDouble() && QString::number(clampedInt<qint64>(old.toDouble())) == text ? old : QJsonValue(text));
    };
    putId("upstream_id", m_upstreamId);
    putId("service_id", m_serviceId);
    putId("plugin_config_id", m_pluginConfigId);
    putString("desc", m_desc->text());
    putList(o, m_loaded, "remote_addr", "remote_addrs", split(m_remoteAddrs->text()));
    const QString vars = m_vars->text().trimmed();
    if (vars.isEmpty()) {
        o.remove(QStringLiteral("vars"));
    } else {
        // Not JSON yet: kept as text, which the validator names (vars must be an array) until it is.
        const QJsonDocument doc = QJsonDocument::fromJson(QStringLiteral("[%1]").arg(vars).toUtf8());
        const QJsonValue parsed = doc.isArray() && doc.array().size() == 1 ? doc.array().first() : QJsonValue(vars);
        if (parsed != m_loaded.value(QStringLiteral("vars")) || !o.contains(QStringLiteral("vars")))
            o.insert(QStringLiteral("vars"), parsed);
    }
    if (m_upstream->nodeCount() > 0 || o.contains(QStringLiteral("upstream"))) {
        const QJsonObject up = m_upstream->toJson(o.value(QStringLiteral("upstream")).toObject());
        if (m_upstream->nodeCount() == 0 && !m_loaded.contains(QStringLiteral("upstream")))
            o.remove(QStringLiteral("upstream"));
        else
            o.insert(QStringLiteral("upstream"), up);
    }
    QJsonObject plugins = o.value(QStringLiteral("plugins")).toObject();
    for (int i = 0; i < 3; ++i) {
        const QJsonValue p = m_confs[i]->plugin();
        if (p.isUndefined())
            plugins.remove(QLatin1String(kPhases[i]));
        else
            plugins.insert(QLatin1String(kPhases[i]), p);
    }
    if (plugins.isEmpty() && !m_loaded.contains(QStringLiteral("plugins")))
        o.remove(QStringLiteral("plugins"));
    else
        o.insert(QStringLiteral("plugins"), plugins);
    return o;
}
