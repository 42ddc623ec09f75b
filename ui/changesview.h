#pragma once

#include "capturedexchange.h"

#include <QTextBrowser>

// "Before" (the upstream's response) next to "after" (what the client got), headers and body diffed
// line by line, with plain words for what the runner did and what APISIX semantics changed.
class ChangesView : public QTextBrowser
{
    Q_OBJECT
public:
    explicit ChangesView(QWidget *parent = nullptr);
    void setExchange(const CapturedExchange &e);
};

// The HTML of the view, for tests and export.
QString changesHtml(const CapturedExchange &e);
