#pragma once

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;
class QTableWidget;

// The form face of an upstream, standalone (Upstreams tab) or inside a route's form (its inline
// `upstream`): name and description (standalone only), type with chash's hash_on and key, nodes with
// weights, scheme, pass_host and upstream_host, the three timeouts, retries and retry_timeout, and the
// keepalive pool. As RouteForm: toJson() writes only what the form knows into the given object, so
// fields it does not show (checks, tls, discovery, labels) pass through, and no default is added that
// the upstream did not have.
class UpstreamForm : public QWidget
{
    Q_OBJECT
public:
    enum class Use { Standalone, InRoute };
    explicit UpstreamForm(Use use, QWidget *parent = nullptr);

    void setUpstream(const QJsonObject &upstream);
    QJsonObject toJson(QJsonObject base) const;
    int nodeCount() const;
    QTableWidget *nodesTable() const { return m_nodes; }

Q_SIGNALS:
    void edited();

private:
    void addNodeRow(const QString &address, int weight);
    void updateHashFields();
    void changed();

    QLineEdit *m_name = nullptr;
    QLineEdit *m_desc = nullptr;
    QComboBox *m_type;
    QComboBox *m_hashOn;
    QLineEdit *m_key;
    QTableWidget *m_nodes;
    QComboBox *m_scheme;
    QComboBox *m_passHost;
    QLineEdit *m_upstreamHost;
    QDoubleSpinBox *m_timeouts[3];
    QSpinBox *m_retries;
    QDoubleSpinBox *m_retryTimeout;
    QSpinBox *m_poolSize;
    QDoubleSpinBox *m_poolIdle;
    QSpinBox *m_poolRequests;
    QJsonObject m_loaded; // as last set, to know which keys were there
    bool m_loading = false;
};
