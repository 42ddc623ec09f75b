#pragma once

#include <QObject>

class QTcpSocket;

// A connection to one upstream node. Its socket's signals are connected once, for its whole life, and
// forwarded to whoever holds it now (a call, or the pool while idle): no connect/disconnect per request.
class UpstreamConnection : public QObject
{
    Q_OBJECT
public:
    class Holder
    {
    public:
        virtual ~Holder() = default;
        virtual void connectionEstablished(UpstreamConnection *) {}
        virtual void connectionReadable(UpstreamConnection *c) = 0;
        virtual void connectionWritten(UpstreamConnection *) {}
        virtual void connectionClosed(UpstreamConnection *c) = 0;
        virtual void connectionFailed(UpstreamConnection *c) = 0;
    };

    UpstreamConnection(QByteArray key, bool tls, QObject *parent);

    // Starts connecting; `peerName` is the TLS server name.
    void open(const QString &host, quint16 port, const QString &peerName);
    void setHolder(Holder *holder) { m_holder = holder; }
    QTcpSocket *socket() const { return m_socket; }
    bool isOpen() const;
    // Closes at once and deletes later; the holder hears nothing more.
    void discard();

    const QByteArray &key() const { return m_key; }
    int uses = 0;
    qint64 idleSince = 0;

private:
    QTcpSocket *m_socket;
    QByteArray m_key;
    Holder *m_holder = nullptr;
};
