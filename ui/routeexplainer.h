#pragma once

#include "capturedexchange.h"

#include <QDialog>

class ConfigStore;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTreeWidget;

// Why did this route match, or none (issue 16): for a request the user types, or one taken from an
// exchange, every route of the current configuration in the order the router looks at them, with the
// reason each took it or not.
class RouteExplainer : public QDialog
{
    Q_OBJECT
public:
    explicit RouteExplainer(const ConfigStore *store, QWidget *parent = nullptr);
    // Fills the request in from an exchange's client request and explains it.
    void setExchange(const CapturedExchange &exchange);
    void explain();
    // "matched 1: uri /a/* covers /a/b", one line a route, as the table shows them.
    QStringList lines() const;

private:
    const ConfigStore *m_store;
    QComboBox *m_method;
    QLineEdit *m_url;
    QLineEdit *m_host;
    QLineEdit *m_client;
    QPlainTextEdit *m_headers;
    QLabel *m_summary;
    QTreeWidget *m_routes;
};
