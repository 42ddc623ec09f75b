#pragma once

#include "capturedexchange.h"

#include <QWidget>

class QLabel;
class QTreeWidget;

// The runner conversation of one exchange, frame by frame, decoded: a dissector for the APISIX runner
// protocol. Errors and surprising APISIX semantics are said in plain words above it.
class RunnerView : public QWidget
{
    Q_OBJECT
public:
    explicit RunnerView(QWidget *parent = nullptr);
    void setExchange(const CapturedExchange &e);
    int frameCount() const;

private:
    QLabel *m_summary;
    QTreeWidget *m_frames;
};
