#pragma once

#include "capturedexchange.h"

#include <QWidget>

class CaptureStore;
class ExchangeView;
class QLabel;
class QLineEdit;
class QTableView;
class TrafficFilter;
class TrafficModel;

// The live traffic: a filter box, the table of exchanges (following new traffic unless the user
// scrolled away) and the selected exchange in detail.
class TrafficPanel : public QWidget
{
    Q_OBJECT
public:
    TrafficPanel(CaptureStore *capture, QString proxyBase, quint16 proxyPort, QWidget *parent = nullptr);

    TrafficModel *model() const { return m_model; }
    TrafficFilter *filter() const { return m_filter; }
    QTableView *table() const { return m_table; }
    ExchangeView *detail() const { return m_detail; }
    QLineEdit *filterEdit() const { return m_filterEdit; }

    ExchangePtr current() const;
    QList<ExchangePtr> selected() const;

public Q_SLOTS:
    void focusFilter();
    void clear();
    void setPaused(bool paused);
    void removeSelected();
    void copyAsCurl();
    void copyResponse();
    void replay();
    void exportHar(bool selectionOnly);
    void openHar();
    void findInBody();

Q_SIGNALS:
    void message(const QString &text);

private:
    void onAdded(const QList<ExchangePtr> &batch);
    void showCurrent();

    CaptureStore *m_capture;
    QString m_proxyBase;
    quint16 m_proxyPort;
    TrafficModel *m_model;
    TrafficFilter *m_filter;
    QLineEdit *m_filterEdit;
    QLabel *m_filterProblem;
    QTableView *m_table;
    ExchangeView *m_detail;
    QString m_lastFind;
};
