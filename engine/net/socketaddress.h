#pragma once

#include <QHostAddress>
#include <QString>

#include <sys/socket.h>

#include <utility>

// Plain-descriptor socket helpers shared by Stream and Acceptor.
struct SocketAddress
{
    sockaddr_storage storage{};
    socklen_t length = 0;
};

// An IPv4 or IPv6 address and port as the kernel takes them.
SocketAddress toSocketAddress(const QHostAddress &address, quint16 port);
// The peer's or the local address of a socket; a null address when it has none.
std::pair<QHostAddress, quint16> addressOf(int fd, bool peer);
// strerror(), in lower case, for messages that go on "cannot …: ".
QString errnoText(int error);
