#pragma once

#include <QTcpSocket>

// Writes to a connected TCP socket at once with one system call when Qt has nothing queued for it;
// whatever the kernel does not take goes through QTcpSocket's buffer as usual, so order is kept.
// This skips Qt's buffer copy and its write-notifier toggling for the common small write.
void writeNow(QTcpSocket *socket, const char *data, qsizetype size);
inline void writeNow(QTcpSocket *socket, const QByteArray &data)
{
    writeNow(socket, data.constData(), data.size());
}
