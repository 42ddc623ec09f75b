#pragma once

#include "stream.h"

#include <QObject>

class QSslSocket;

// A connection to one upstream node: a plain Stream, or a QSslSocket for https upstreams. Its events are
// wired once, for its whole life, and forwarded to whoever holds it now (a call, or the pool while
// idle): no connect/disconnect per request.
class UpstreamConnection : public QObject, private Stream::Handler
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
    bool isOpen() const;
    // Was open and is closed now (a connection still connecting is neither open nor closed).
    bool isClosed() const;
    // Bytes received and not yet consumed.
    const QByteArray &input() const;
    void consume(qsizetype bytes);
    void write(const QByteArray &data);
    qsizetype bytesToWrite() const;
    QString errorString() const;
    // Closes at once and deletes later; the holder hears nothing more.
    void discard();

    const QByteArray &key() const { return m_key; }
    int uses = 0;
    qint64 idleSince = 0;

private:
    void streamConnected(Stream *) override;
    void streamReadable(Stream *) override;
    void streamWritten(Stream *) override;
    void streamClosed(Stream *) override;
    void setUpTls();
    void takeTlsInput();

    Stream *m_stream = nullptr;
    QSslSocket *m_tls = nullptr;
    QByteArray m_tlsInput;
    QByteArray m_key;
    Holder *m_holder = nullptr;
    bool m_established = false;
};
