#pragma once

#include <QByteArray>
#include <QString>

// One frame of an exchange's runner conversation, as the inspector shows it. The payload is kept (up
// to a cap) and decoded only when someone looks: Runner::summarize(type, fromRunner, payload).
struct RunnerFrameRecord
{
    static constexpr qsizetype kPayloadCap = 64 * 1024;

    qint64 atNs = 0;          // since the exchange started
    QString plugin;           // e.g. "ext-plugin-post-resp"
    bool fromRunner = false;
    quint8 type = 0;
    qsizetype size = 0;       // the real payload size
    QByteArray payload;       // the first kPayloadCap bytes
};
