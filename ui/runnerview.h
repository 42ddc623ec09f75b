#pragma once

#include "capturedexchange.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;

// The runner conversation of one exchange, frame by frame, decoded: a dissector for the APISIX runner
// protocol. Errors and surprising APISIX semantics are said in plain words above it; the selected frame's
// decoding reads whole, wrapped, below the list (as Wireshark's packet details).
class RunnerView : public QWidget
{
    Q_OBJECT
public:
    explicit RunnerView(QWidget *parent = nullptr);
    void setExchange(const CapturedExchange &e);
    int frameCount() const;
    QTreeWidget *frames() const { return m_frames; }
    QPlainTextEdit *frameText() const { return m_frameText; }

private:
    QLabel *m_summary;
    QTreeWidget *m_frames;
    QPlainTextEdit *m_frameText;
};
