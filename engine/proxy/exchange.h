#pragma once

#include "runnerframe.h"

#include <QElapsedTimer>
#include <QString>
#include <QStringList>

// What the engine records about one request as it goes through the pipeline; the inspector shows it.
struct Exchange
{
    quint64 id = 0;
    QElapsedTimer clock;
    QString routeId;
    QList<RunnerFrameRecord> frames;   // the runner conversation, every phase
    QStringList notes;                 // plain-words remarks (APISIX semantics that may surprise)
    QString errorStep;                 // e.g. "ext-plugin-post-resp", "upstream"
    QString errorText;
    bool degraded = false;
    bool modifiedByRunner = false;
};
