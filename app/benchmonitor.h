#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

class CaptureStore;
class TrafficPanel;

// The GUI's benchmark mode (routescope --bench-report FILE): a 10 ms timer on the GUI thread measures
// how late the event loop runs it (stalls), and at exit a JSON report says the stall percentiles, the
// exchanges the capture saw against those the table was given, and the resident memory. With
// `showLatest`, it also acts as a user looking at each new exchange: every 400 ms the newest row is
// selected and the next of the body tabs (Changes, the two responses, Runner) is shown.
class BenchMonitor : public QObject
{
    Q_OBJECT
public:
    BenchMonitor(CaptureStore *capture, TrafficPanel *traffic, QString reportPath, bool showLatest, QObject *parent = nullptr);
    // Writes the report; returns an error text or empty.
    QString writeReport() const;

private:
    CaptureStore *m_capture;
    QString m_path;
    QTimer m_timer;
    QTimer m_looker;
    int m_lookedAt = 0;
    QElapsedTimer m_clock;
    qint64 m_lastMs = 0;
    qint64 m_lastCpuUs = 0;
    qint64 m_longestStallMs = 0;
    qint64 m_longestStallCpuMs = 0;
    QList<qint64> m_stallsMs;
    qint64 m_rowsAnnounced = 0;
    qint64 m_evicted = 0;
};
