#include "replay.h"

#include "httpwriter.h"

#include <QTcpSocket>
#include <QTimer>

void replayThroughProxy(const CapturedMessage &request, QHostAddress proxy, quint16 port, QObject *context,
                        std::function<void(const QString &error)> done, int timeoutMs)
{
    if (proxy == QHostAddress::Any || proxy == QHostAddress::AnyIPv4 || proxy.isNull())
        proxy = QHostAddress::LocalHost;
    else if (proxy == QHostAddress::AnyIPv6)
        proxy = QHostAddress::LocalHostIPv6;
    auto *socket = new QTcpSocket(context);
    // Reported once; the socket is let go after the answer (the proxy closes: Connection: close).
    auto report = std::make_shared<std::function<void(const QString &)>>(std::move(done));
    const auto tell = [report](const QString &error) {
        if (*report)
            std::exchange(*report, nullptr)(error);
    };
    const auto finish = [socket, tell](const QString &error) {
        tell(error);
        socket->abort();
        socket->deleteLater();
    };
    const QByteArray raw = HttpWriter::replayRequest(request.method, request.target, request.headers, request.body);
    QObject::connect(socket, &QTcpSocket::connected, socket, [socket, raw] { socket->write(raw); });
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, tell] {
        socket->readAll();
        tell(QString());
    });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, [finish] {
        finish(QStringLiteral("the proxy closed the connection without an answer"));
    });
    QObject::connect(socket, &QTcpSocket::errorOccurred, socket, [socket, finish](QAbstractSocket::SocketError err) {
        finish(err == QAbstractSocket::RemoteHostClosedError ? QStringLiteral("the proxy closed the connection without an answer")
                                                              : socket->errorString());
    });
    auto *timer = new QTimer(socket);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, socket, [finish, timeoutMs] {
        finish(QStringLiteral("no answer from the proxy within %1 s").arg(timeoutMs / 1000.0));
    });
    timer->start(timeoutMs);
    socket->connectToHost(proxy, port);
}
