#include "socketwrite.h"

#include <cerrno>
#include <sys/socket.h>

namespace {
// Bytes the kernel took without blocking; stops at EAGAIN or an error (Qt's path then handles it).
qsizetype sendDirect(qintptr fd, const char *data, qsizetype size)
{
    qsizetype done = 0;
    while (done < size) {
        const ssize_t n = ::send(int(fd), data + done, size_t(size - done), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
            done += n;
        else if (n < 0 && errno == EINTR)
            continue;
        else
            break;
    }
    return done;
}
} // namespace

void writeNow(QTcpSocket *socket, const char *data, qsizetype size)
{
    if (size <= 0)
        return;
    qsizetype done = 0;
    if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState)
        done = sendDirect(socket->socketDescriptor(), data, size);
    if (done < size)
        socket->write(data + done, size - done);
}

void writeNow(QLocalSocket *socket, const char *data, qsizetype size)
{
    if (size <= 0)
        return;
    qsizetype done = 0;
    if (socket->bytesToWrite() == 0 && socket->state() == QLocalSocket::ConnectedState)
        done = sendDirect(socket->socketDescriptor(), data, size);
    if (done < size)
        socket->write(data + done, size - done);
}
