#pragma once

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>

class QSocketNotifier;

// A listening TCP socket that hands each accepted descriptor to incomingConnection(), with the two
// brakes nginx has: at most maxConnections() open at once (past it, accepting pauses and new clients
// wait in the kernel's backlog until one ends), and a pause of kRetryMs when the process or the system
// runs out of descriptors (EMFILE, ENFILE, ENOBUFS, ENOMEM) instead of calling accept() again at once,
// which would spin: the listening socket stays readable while the backlog is full.
// Each accepted descriptor comes with a function to call (from any thread, at most once, even after the
// acceptor is gone) when that connection has closed.
class Acceptor : public QObject
{
    Q_OBJECT
public:
    static constexpr int kRetryMs = 500;

    explicit Acceptor(QObject *parent = nullptr);
    ~Acceptor() override;

    bool listen(const QHostAddress &address, quint16 port);
    void close();
    bool isListening() const { return m_fd >= 0; }
    quint16 serverPort() const { return m_port; }
    QString errorString() const { return m_error; }

    using Ended = std::function<void()>;

    // 0: no limit. Counted are the connections taken and not yet ended.
    void setMaxConnections(int max) { m_max = max; }
    int maxConnections() const { return m_max; }
    int openConnections() const;
    // How many times accepting paused for want of descriptors.
    int descriptorPauses() const { return m_descriptorPauses; }

protected:
    // Runs in this object's thread for each accepted socket (non-blocking, close-on-exec).
    virtual void incomingConnection(qintptr descriptor, Ended ended) = 0;

private:
    struct Count; // shared with the connections, which may outlive the acceptor
    void acceptSome();
    void setAccepting(bool on);
    bool pauseAtCap();

    int m_fd = -1;
    quint16 m_port = 0;
    QString m_error;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_retry;
    int m_max = 0;
    std::shared_ptr<Count> m_count;
    int m_descriptorPauses = 0;
    qint64 m_lastWarningMs = 0;
};
