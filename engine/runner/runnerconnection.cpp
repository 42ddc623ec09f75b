#include "runnerconnection.h"

#include "socketwrite.h"

#include <QLocalSocket>

RunnerConnection::RunnerConnection(QObject *parent)
    : QObject(parent), m_socket(new QLocalSocket(this))
{
    m_retry.setParent(this);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RunnerConnection::tryConnect);
    connect(m_socket, &QLocalSocket::connected, this, [this] {
        m_connected = true;
        if (m_holder)
            m_holder->runnerConnected(this);
    });
    connect(m_socket, &QLocalSocket::readyRead, this, &RunnerConnection::onReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, [this] {
        if (m_connected && m_holder) {
            m_connected = false;
            m_holder->runnerLost(this, QStringLiteral("the runner closed the connection"));
        }
    });
    connect(m_socket, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError e) {
        if (!m_connected) {
            // Refused or not there yet: the runner may still be starting.
            if (m_since.elapsed() + 50 < m_timeoutMs) {
                m_retry.start(50);
                return;
            }
            if (m_holder) {
                const QString why = e == QLocalSocket::ServerNotFoundError ? QStringLiteral("nothing listens there")
                    : e == QLocalSocket::ConnectionRefusedError            ? QStringLiteral("connection refused")
                                                                           : m_socket->errorString();
                m_holder->runnerLost(this, QStringLiteral("cannot connect to the runner at %1: %2").arg(m_path, why));
            }
            return;
        }
        if (e == QLocalSocket::PeerClosedError)
            return; // disconnected() reports it
        m_connected = false;
        if (m_holder)
            m_holder->runnerLost(this, QStringLiteral("runner connection error: %1").arg(m_socket->errorString()));
    });
}

void RunnerConnection::open(const QString &path, int timeoutMs, quint64 generation)
{
    m_path = path;
    m_timeoutMs = timeoutMs;
    m_generation = generation;
    m_since.start();
    tryConnect();
}

void RunnerConnection::tryConnect()
{
    if (m_path.isEmpty()) {
        if (m_since.elapsed() + 50 < m_timeoutMs) {
            m_retry.start(50);
        } else if (m_holder) {
            m_holder->runnerLost(this, QStringLiteral("no Plugin Runner is running"));
        }
        return;
    }
    m_socket->abort();
    m_socket->connectToServer(m_path);
}

bool RunnerConnection::isOpen() const
{
    return m_connected && m_socket->state() == QLocalSocket::ConnectedState;
}

bool RunnerConnection::send(quint8 type, const QByteArray &payload, QString *error)
{
    const auto frame = Frame::encode(type, payload, error);
    if (!frame)
        return false;
    if (!isOpen()) {
        if (error)
            *error = QStringLiteral("cannot write to the runner: the connection is closed");
        return false;
    }
    writeNow(m_socket, *frame);
    return true;
}

void RunnerConnection::onReadyRead()
{
    m_decoder.feed(m_socket->readAll());
    while (m_holder) {
        auto frame = m_decoder.next();
        if (!frame)
            break;
        m_holder->runnerFrame(this, std::move(*frame));
    }
}

void RunnerConnection::discard()
{
    m_holder = nullptr;
    m_retry.stop();
    m_socket->abort();
    deleteLater();
}
