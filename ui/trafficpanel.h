#pragma once

#include "capturedexchange.h"

#include <QHostAddress>
#include <QWidget>

class CaptureStore;
class CompareDialog;
class ExchangeView;
class ReplayEditor;
class QLabel;
class QMenu;
class QSplitter;
class QStackedWidget;
class WelcomeView;
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
    bool isFollowing() const { return m_follow; }
    bool isSideBySide() const;
    QLabel *droppedBanner() const { return m_dropped; }
    // Shown in place of the table and details until the first exchange.
    WelcomeView *welcome() const { return m_welcome; }
    QWidget *findBar() const { return m_findBar; }
    // The table's right-click menu for the exchange at `row` (of the filtered table): copy URL, curl and
    // response; filter by its route, host or status; why this route. The caller owns it.
    QMenu *contextMenu(int row);
    // GETs `path` through the proxy; its exchange, when it comes, is selected and opened on Changes.
    void sendTestRequest(const QString &path);

public Q_SLOTS:
    void focusFilter();
    void clear();
    void setPaused(bool paused);
    void removeSelected();
    void copyAsCurl();
    void copyResponse();
    void replay();
    // The selected exchange's request (or GET /) in an editor that sends it through the proxy; returns it.
    ReplayEditor *editAndReplay();
    // The two selected exchanges side by side (the older on the left); with another selection, says how
    // to pick two and returns nothing.
    CompareDialog *compareSelected();
    void exportHar(bool selectionOnly);
    void openHar();
    void findInBody(); // shows the find bar (Return: next, Shift+Return: previous, Escape: closes)
    void findNext(bool backward = false);
    // Follow mode: the table keeps the newest exchange in view. Selecting a row or scrolling away stops it.
    void setFollow(bool follow);
    void setSideBySide(bool on); // the details beside the table (a wide screen) or below it
    QMenu *columnsMenu(); // a checkable entry per column but # and Path (the header's context menu)

Q_SIGNALS:
    void message(const QString &text);
    void followChanged(bool follow);
    void explainRequested(); // "Why this route…" from the context menu

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onAdded(const QList<ExchangePtr> &batch);
    void showCurrent();
    // The details pane shows the current row's exchange, or nothing once that row is gone.
    void syncDetail();
    void applyFilter(const QString &expression);
    void updateDropped();
    void updateWelcome();

    CaptureStore *m_capture;
    QHostAddress proxyHost() const; // the proxy's listen address, from m_proxyBase
    QString m_proxyBase;
    quint16 m_proxyPort;
    TrafficModel *m_model;
    TrafficFilter *m_filter;
    QLineEdit *m_filterEdit;
    QLabel *m_filterProblem;
    QLabel *m_dropped;
    QTableView *m_table;
    ExchangeView *m_detail;
    WelcomeView *m_welcome;
    QStackedWidget *m_pages;
    QSplitter *m_splitter;
    QString m_testPath; // a test request on its way: its exchange is to be opened
    QWidget *m_findBar;
    QLineEdit *m_findEdit;
    QLabel *m_findCount;
    bool m_follow = true;
    ExchangePtr m_picked; // the exchange last selected
};
