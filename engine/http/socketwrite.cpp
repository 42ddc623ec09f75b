#include "socketwrite.h"

#include <cerrno>
#include <sys/socket.h>

void writeNow(QTcpSocket *socket, const char *data, qsizetype size)
{
    if (size <= 0)
        return;
    qsizetype done = 0;
    if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState) {
        const qintptr fd = socket->socketDescriptor();
        while (done < size) {
            const ssize_t n = ::send(int(fd), data + done, size_t(size - done), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                done += n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            break; // EAGAIN or an error: Qt's own write path queues it or reports the error
        }
    }
    if (done < size)
        socket->write(data + done, size - done);
}
