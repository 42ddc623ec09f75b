#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

class CaptureStore;
class TrafficModel;

// The GUI's benchmark mode (routescope --bench-report FILE): a 10 ms timer on the GUI thread measures
// how late the event loop runs it (stalls), and at exit a JSON report says the stall percentiles, the
// exchanges the capture saw against those the table was given, and the resident memory.
class BenchMonitor : public QObject
{
    Q_OBJECT
public:
    BenchMonitor(CaptureStore *capture, TrafficModel *model, QString reportPath, QObject *parent = nullptr);
    // Writes the report; returns an error text or empty.
    QString writeReport() const;

private:
    CaptureStore *m_capture;
    QString m_path;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastMs = 0;
    QList<qint64> m_stallsMs;
    qint64 m_rowsAnnounced = 0;
    qint64 m_evicted = 0;
};
