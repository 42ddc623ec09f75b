#pragma once

#include <QLocalSocket>
#include <QTcpSocket>

// Writes to a connected socket at once with one system call when Qt has nothing queued for it;
// whatever the kernel does not take goes through the socket's own buffer as usual, so order is kept.
// This skips Qt's buffer copy and its write-notifier toggling for the common small write.
void writeNow(QTcpSocket *socket, const char *data, qsizetype size);
void writeNow(QLocalSocket *socket, const char *data, qsizetype size);
template<typename Socket>
void writeNow(Socket *socket, const QByteArray &data)
{
    writeNow(socket, data.constData(), data.size());
}
