#include "upstreamconnection.h"

#include <QSslSocket>

namespace {
constexpr qsizetype kReadLimit = 256 * 1024;
}

UpstreamConnection::UpstreamConnection(QByteArray key, bool tls, QObject *parent)
    : QObject(parent), m_key(std::move(key))
{
    if (tls) {
        setUpTls();
        return;
    }
    m_stream = new Stream(this);
    m_stream->setReadLimit(kReadLimit);
    m_stream->setBatchedWrites(true);
    m_stream->setHandler(this);
}

void UpstreamConnection::setUpTls()
{
    m_tls = new QSslSocket(this);
    m_tls->setPeerVerifyMode(QSslSocket::VerifyNone); // APISIX does not verify upstream certificates by default
    m_tls->setReadBufferSize(kReadLimit);
    connect(m_tls, &QSslSocket::encrypted, this, [this] {
        m_tls->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_established = true;
        if (m_holder)
            m_holder->connectionEstablished(this);
    });
    connect(m_tls, &QSslSocket::readyRead, this, [this] {
        takeTlsInput();
        if (m_holder)
            m_holder->connectionReadable(this);
    });
    connect(m_tls, &QSslSocket::bytesWritten, this, [this] {
        if (m_holder && m_tls->bytesToWrite() == 0)
            m_holder->connectionWritten(this);
    });
    connect(m_tls, &QSslSocket::disconnected, this, [this] {
        if (m_holder)
            m_holder->connectionClosed(this);
    });
    connect(m_tls, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        if (m_holder && e != QAbstractSocket::RemoteHostClosedError) // disconnected() follows and decides
            m_holder->connectionFailed(this);
    });
}

void UpstreamConnection::takeTlsInput()
{
    // Our buffer takes no more than the limit, so a slow client holds the upstream back.
    const qsizetype room = kReadLimit - m_tlsInput.size();
    if (room > 0)
        m_tlsInput += m_tls->read(room);
}

void UpstreamConnection::open(const QString &host, quint16 port, const QString &peerName)
{
    if (m_tls)
        m_tls->connectToHostEncrypted(host, port, peerName);
    else
        m_stream->connectToHost(host, port);
}

bool UpstreamConnection::isOpen() const
{
    return m_tls ? m_established && m_tls->state() == QAbstractSocket::ConnectedState : m_stream->isConnected();
}

bool UpstreamConnection::isClosed() const
{
    return m_tls ? m_established && m_tls->state() == QAbstractSocket::UnconnectedState : m_stream->state() == Stream::State::Closed;
}

const QByteArray &UpstreamConnection::input() const
{
    return m_tls ? m_tlsInput : m_stream->input();
}

void UpstreamConnection::consume(qsizetype bytes)
{
    if (!m_tls) {
        m_stream->consume(bytes);
        return;
    }
    m_tlsInput.remove(0, bytes);
    if (m_tls->bytesAvailable() > 0)
        takeTlsInput();
}

void UpstreamConnection::write(const QByteArray &data)
{
    if (m_tls)
        m_tls->write(data);
    else
        m_stream->write(data);
}

qsizetype UpstreamConnection::bytesToWrite() const
{
    return m_tls ? m_tls->bytesToWrite() : m_stream->bytesToWrite();
}

QString UpstreamConnection::errorString() const
{
    return m_tls ? m_tls->errorString() : m_stream->errorString();
}

void UpstreamConnection::discard()
{
    m_holder = nullptr;
    if (m_tls)
        m_tls->abort();
    else
        m_stream->abort();
    deleteLater();
}

void UpstreamConnection::streamConnected(Stream *)
{
    m_established = true;
    if (m_holder)
        m_holder->connectionEstablished(this);
}

void UpstreamConnection::streamReadable(Stream *)
{
    if (m_holder)
        m_holder->connectionReadable(this);
}

void UpstreamConnection::streamWritten(Stream *)
{
    if (m_holder)
        m_holder->connectionWritten(this);
}

void UpstreamConnection::streamClosed(Stream *)
{
    if (!m_holder)
        return;
    if (m_established)
        m_holder->connectionClosed(this);
    else
        m_holder->connectionFailed(this);
}
