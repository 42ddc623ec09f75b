#pragma once

#include "capturedexchange.h"

#include <QElapsedTimer>

// The exchange in progress on a connection: its record (what the capture will keep) and the clock of
// its steps. It ends exactly once, in ProxyConnection::finishRecord(): answered (endExchange()), cut
// short, or abandoned when the client leaves or the engine stops (abandon()).
struct Exchange
{
    QElapsedTimer clock;
    CapturedExchange record;
    bool capturing = false;       // false: the capture is paused, bodies are not copied
    qint64 bodyCap = 0;
    qint64 stepStartNs = 0;       // start of the plugin phase in progress
    qint64 writeStartNs = -1;
    bool streamed = false;        // the client body is the upstream body, relayed as it came
    const char *step = "routing"; // where it is, for "client disconnected during <step>"
    bool finished = false;        // recorded: an exchange ends once, whatever ends it

    void appendBody(CapturedMessage &m, const char *data, qsizetype size) const
    {
        m.bodySize += size;
        if (capturing && m.body.size() < bodyCap)
            m.body.append(data, qMin<qsizetype>(size, qsizetype(bodyCap - m.body.size())));
    }
    void setBody(CapturedMessage &m, const QByteArray &body) const
    {
        m.bodySize = body.size();
        if (capturing)
            m.body = body.size() > bodyCap ? body.left(qsizetype(bodyCap)) : body;
    }
};
