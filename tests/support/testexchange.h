#pragma once
// Captured messages made by hand, for the tests of the views and of what they compute.

#include "capturedexchange.h"

// A 200 response as the capture keeps it, body whole.
inline CapturedMessage capturedResponse(const QByteArray &body, const QByteArray &type = "text/plain")
{
    CapturedMessage m;
    m.present = true;
    m.status = 200;
    m.reason = "OK";
    m.headers.add("Content-Type", type);
    m.body = body;
    m.bodySize = body.size();
    return m;
}
