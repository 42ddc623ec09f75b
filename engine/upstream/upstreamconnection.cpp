#include "upstreamconnection.h"

#include <QSslSocket>
#include <QTcpSocket>

UpstreamConnection::UpstreamConnection(QByteArray key, bool tls, QObject *parent)
    : QObject(parent), m_key(std::move(key))
{
    if (tls) {
        auto *ssl = new QSslSocket(this);
        ssl->setPeerVerifyMode(QSslSocket::VerifyNone); // APISIX does not verify upstream certificates by default
        connect(ssl, &QSslSocket::encrypted, this, [this] { if (m_holder) m_holder->connectionEstablished(this); });
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, [this] {
            m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            if (m_holder)
                m_holder->connectionEstablished(this);
        });
    }
    m_socket->setReadBufferSize(256 * 1024);
    connect(m_socket, &QTcpSocket::readyRead, this, [this] { if (m_holder) m_holder->connectionReadable(this); });
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] { if (m_holder) m_holder->connectionWritten(this); });
    connect(m_socket, &QTcpSocket::disconnected, this, [this] { if (m_holder) m_holder->connectionClosed(this); });
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        if (!m_holder)
            return;
        if (e == QAbstractSocket::RemoteHostClosedError) // disconnected() follows and decides
            return;
        m_holder->connectionFailed(this);
    });
}

void UpstreamConnection::open(const QString &host, quint16 port, const QString &peerName)
{
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
        ssl->connectToHostEncrypted(host, port, peerName);
    else
        m_socket->connectToHost(host, port);
}

bool UpstreamConnection::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

void UpstreamConnection::discard()
{
    m_holder = nullptr;
    m_socket->abort();
    deleteLater();
}
