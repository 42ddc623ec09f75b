#pragma once

#include "capturedexchange.h"

#include <QDialog>

class ChangesView;

// Compare (issue 16, Fiddler's Compare): two exchanges side by side in a Changes view, each message of
// the one against the same message of the other. Swap sides puts the right one on the left.
class CompareDialog : public QDialog
{
    Q_OBJECT
public:
    CompareDialog(ExchangePtr left, ExchangePtr right, QWidget *parent = nullptr);
    ChangesView *view() const { return m_view; }
    void swapSides();

private:
    void showBoth();
    ExchangePtr m_left;
    ExchangePtr m_right;
    ChangesView *m_view;
};
