#pragma once

#include <QByteArray>
#include <QString>

// Replaces `path` with `data` all at once: a temporary file in the same folder is written, checked,
// fsynced and renamed over the target. On any failure (a full disk included) the old file is left as it
// was and the error is returned; an empty string means success. The new file is private (0600).
// QSaveFile is not used: on a short write it commits a truncated file and reports success (Qt 6.4).
QString writeFileAtomically(const QString &path, const QByteArray &data);
