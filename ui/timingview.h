#pragma once

#include "capturedexchange.h"

#include <QWidget>

// The steps of one exchange as bars on a common time scale: route match, pre-req, post-req,
// upstream (connect, first byte, whole), post-resp, write to client.
class TimingView : public QWidget
{
    Q_OBJECT
public:
    explicit TimingView(QWidget *parent = nullptr);
    void setTimings(const ExchangeTimings &t);
    QSize sizeHint() const override { return {480, 260}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Bar
    {
        QString label;
        qint64 ns;
    };
    QList<Bar> m_bars;
    qint64 m_total = 0;
};
