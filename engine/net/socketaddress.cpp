#include "socketaddress.h"

#include <cstring>
#include <netinet/in.h>

SocketAddress toSocketAddress(const QHostAddress &address, quint16 port)
{
    SocketAddress out;
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *in = reinterpret_cast<sockaddr_in *>(&out.storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(address.toIPv4Address());
        out.length = sizeof(sockaddr_in);
    } else {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&out.storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, bytes.c, sizeof(bytes.c));
        out.length = sizeof(sockaddr_in6);
    }
    return out;
}

std::pair<QHostAddress, quint16> addressOf(int fd, bool peer)
{
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    const int r = peer ? ::getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &len)
                       : ::getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len);
    if (r != 0)
        return {};
    if (ss.ss_family == AF_INET)
        return {QHostAddress(reinterpret_cast<sockaddr *>(&ss)), ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port)};
    if (ss.ss_family == AF_INET6)
        return {QHostAddress(reinterpret_cast<sockaddr *>(&ss)), ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port)};
    return {};
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error)).toLower();
}
