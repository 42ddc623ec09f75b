#include "ioloop.h"
#include "stream.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <QTemporaryDir>

#include <cerrno>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {
// Records what a stream reports, consuming input only when told to.
class Recorder : public Stream::Handler
{
public:
    QStringList events;
    QByteArray received;
    bool consumeInput = true;

    void streamConnected(Stream *) override { events << QStringLiteral("connected"); }
    void streamReadable(Stream *s) override
    {
        events << QStringLiteral("readable");
        if (!consumeInput)
            return;
        received += s->input();
        s->consume(s->input().size());
    }
    void streamWritten(Stream *) override { events << QStringLiteral("written"); }
    void streamClosed(Stream *) override { events << QStringLiteral("closed"); }
};

QByteArray pattern(qsizetype size)
{
    QByteArray out(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        out[i] = char('a' + i % 23);
    return out;
}

struct Peer
{
    QTcpServer server;
    QTcpSocket *socket = nullptr;

    Peer() { server.listen(QHostAddress::Any, 0); }
    // Connects `stream` (reporting to `rec`) to this peer and waits until both ends have it.
    bool connect(Stream &stream, Stream::Handler &rec)
    {
        stream.setHandler(&rec);
        stream.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort());
        if (!accept())
            return false;
        return QTest::qWaitFor([&stream] { return stream.isConnected(); }, 5000);
    }
    bool accept()
    {
        if (!server.hasPendingConnections() && !server.waitForNewConnection(5000))
            return false;
        socket = server.nextPendingConnection();
        return socket != nullptr;
    }
};
} // namespace

class TestStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void connectsAndExchangesBytes();
    void dataThenCloseAreBothReported();
    void refusedConnectionIsReported();
    void missingUnixSocketIsReported();
    void fullUnixBacklogIsAFailure();
    void hostNamesAreLookedUp();
    void bigWriteIsQueuedAndDrains();
    void readLimitHoldsInputBackUntilConsumed();
    void idleStreamReleasesItsInputBuffer();
    void corkedWritesLeaveTogether();
    void bigWriteBehindAHeadKeepsItsPlace();
    void peerReadingDoesNotWakeTheWriter();
};

void TestStream::connectsAndExchangesBytes()
{
    Peer peer;
    Recorder rec;
    Stream stream;
    stream.setHandler(&rec);
    stream.connectToHost(QStringLiteral("127.0.0.1"), peer.server.serverPort());
    stream.write("hello", 5); // queued until connected
    QVERIFY(peer.accept());
    QTRY_VERIFY(rec.events.contains(QStringLiteral("connected")));
    QVERIFY(stream.isConnected());
    QCOMPARE(stream.peerPort(), peer.server.serverPort());
    QTRY_COMPARE(peer.socket->bytesAvailable(), 5);
    QCOMPARE(peer.socket->readAll(), QByteArray("hello"));
    peer.socket->write("world");
    QTRY_COMPARE(rec.received, QByteArray("world"));
    QVERIFY(!rec.events.contains(QStringLiteral("closed")));
}

void TestStream::dataThenCloseAreBothReported()
{
    // The last bytes and the end arrive together: both must be told, in that order (edge-triggered
    // readiness gives one event for both).
    Peer peer;
    Recorder rec;
    Stream stream;
    QVERIFY(peer.connect(stream, rec));
    peer.socket->write("last words");
    peer.socket->flush();
    peer.socket->close();
    QTRY_VERIFY(rec.events.contains(QStringLiteral("closed")));
    QCOMPARE(rec.received, QByteArray("last words"));
    QCOMPARE(rec.events.indexOf(QStringLiteral("readable")) < rec.events.indexOf(QStringLiteral("closed")), true);
    QCOMPARE(stream.state(), Stream::State::Closed);
    QCOMPARE(stream.errorCode(), 0);
}

void TestStream::refusedConnectionIsReported()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close(); // nothing listens there now
    Recorder rec;
    Stream stream;
    stream.setHandler(&rec);
    stream.connectToHost(QStringLiteral("127.0.0.1"), port);
    QTRY_COMPARE(rec.events, QStringList{QStringLiteral("closed")});
    QCOMPARE(stream.errorCode(), ECONNREFUSED);
    QVERIFY2(stream.errorString().contains(QStringLiteral("refused")), qPrintable(stream.errorString()));
}

void TestStream::missingUnixSocketIsReported()
{
    Recorder rec;
    Stream stream;
    stream.setHandler(&rec);
    stream.connectToPath(QStringLiteral("/nonexistent-dir/runner.sock"));
    QTRY_COMPARE(rec.events, QStringList{QStringLiteral("closed")});
    QCOMPARE(stream.errorCode(), ENOENT);
}

void TestStream::fullUnixBacklogIsAFailure()
{
    // A Unix listener that never accepts, with the smallest backlog: connect() soon answers EAGAIN,
    // which must be reported as a failure to retry, not taken for a connection in progress.
    QTemporaryDir dir;
    const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("busy.sock")));
    const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::memcpy(sun.sun_path, path.constData(), size_t(path.size()));
    QCOMPARE(::bind(listener, reinterpret_cast<sockaddr *>(&sun), sizeof(sun)), 0);
    QCOMPARE(::listen(listener, 0), 0);
    std::vector<std::unique_ptr<Recorder>> recs;
    std::vector<std::unique_ptr<Stream>> streams;
    for (int i = 0; i < 6; ++i) {
        recs.push_back(std::make_unique<Recorder>());
        streams.push_back(std::make_unique<Stream>());
        streams.back()->setHandler(recs.back().get());
        streams.back()->connectToPath(QString::fromLocal8Bit(path));
    }
    QTRY_VERIFY(std::all_of(recs.begin(), recs.end(), [](const auto &r) { return !r->events.isEmpty(); }));
    int connected = 0, refused = 0;
    for (qsizetype i = 0; i < qsizetype(streams.size()); ++i) {
        if (recs[i]->events.contains(QStringLiteral("connected")))
            ++connected;
        else if (streams[i]->errorCode() == EAGAIN)
            ++refused;
    }
    QVERIFY2(connected <= 2, "more connections than the backlog holds were reported as connected");
    QVERIFY(refused >= 1);
    ::close(listener);
}

void TestStream::hostNamesAreLookedUp()
{
    Peer peer;
    Recorder rec;
    Stream stream;
    stream.setHandler(&rec);
    stream.connectToHost(QStringLiteral("localhost"), peer.server.serverPort());
    QTRY_VERIFY(rec.events.contains(QStringLiteral("connected")));
    QVERIFY(peer.accept());
}

void TestStream::bigWriteIsQueuedAndDrains()
{
    Peer peer;
    Recorder rec;
    Stream stream;
    QVERIFY(peer.connect(stream, rec));
    const QByteArray data = pattern(16 * 1024 * 1024); // more than the kernel buffers hold
    stream.write(data);
    QVERIFY(stream.bytesToWrite() > 0);
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += peer.socket->readAll(), got.size() == data.size()), 20000);
    QCOMPARE(got, data);
    QTRY_VERIFY(rec.events.contains(QStringLiteral("written")));
    QCOMPARE(stream.bytesToWrite(), 0);
}

void TestStream::readLimitHoldsInputBackUntilConsumed()
{
    Peer peer;
    Recorder rec;
    rec.consumeInput = false;
    Stream stream;
    stream.setReadLimit(64 * 1024);
    QVERIFY(peer.connect(stream, rec));
    const QByteArray data = pattern(4 * 1024 * 1024);
    peer.socket->write(data);
    QTRY_VERIFY(stream.input().size() >= 64 * 1024);
    QTest::qWait(50);
    QVERIFY2(stream.input().size() < 256 * 1024, "reading went on past the limit");
    QVERIFY(peer.socket->bytesToWrite() > 0); // the sender is held back
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += stream.input(), stream.consume(stream.input().size()), got.size() == data.size()), 20000);
    QCOMPARE(got, data);
}

void TestStream::idleStreamReleasesItsInputBuffer()
{
    Peer peer;
    Recorder rec;
    rec.consumeInput = false;
    Stream stream;
    QVERIFY(peer.connect(stream, rec));
    peer.socket->write("GET / HTTP/1.1\r\n\r\nGET /next");
    QTRY_COMPARE(stream.input().size(), 27);
    stream.consume(18);
    stream.releaseInput(); // something still waits: kept
    QCOMPARE(stream.input(), QByteArray("GET /next"));
    stream.consume(9);
    QVERIFY(stream.input().capacity() > 0); // consume() keeps the buffer for the next read
    stream.releaseInput();
    QCOMPARE(stream.input().capacity(), 0);
    peer.socket->write(" HTTP/1.1\r\n\r\n"); // and reading goes on into a new one
    QTRY_COMPARE(stream.input(), QByteArray(" HTTP/1.1\r\n\r\n"));
}

void TestStream::corkedWritesLeaveTogether()
{
    Peer peer;
    Recorder rec;
    Stream stream;
    QVERIFY(peer.connect(stream, rec));
    stream.cork();
    stream.write("head|", 5);
    stream.write("body", 4);
    QCOMPARE(stream.bytesToWrite(), 9);
    QTest::qWait(20);
    QCOMPARE(peer.socket->bytesAvailable(), 0); // nothing left while corked
    stream.uncork();
    QCOMPARE(stream.bytesToWrite(), 0);
    QTRY_COMPARE(peer.socket->bytesAvailable(), 9);
    QCOMPARE(peer.socket->readAll(), QByteArray("head|body"));
}

void TestStream::bigWriteBehindAHeadKeepsItsPlace()
{
    // A large body queued behind its head is kept by reference (not copied into the queue); what is
    // written after it goes after it.
    Peer peer;
    Recorder rec;
    Stream stream;
    QVERIFY(peer.connect(stream, rec));
    stream.cork();
    stream.write("head|", 5);
    const QByteArray body = pattern(4 * 1024 * 1024);
    stream.write(body);
    QVERIFY(!body.isDetached()); // the stream shares it
    stream.write("|tail", 5);
    stream.write(QByteArray("|end"));
    QCOMPARE(stream.bytesToWrite(), 5 + body.size() + 5 + 4);
    stream.uncork();
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += peer.socket->readAll(), got.size() == 5 + body.size() + 9), 20000);
    QCOMPARE(got, "head|" + body + "|tail|end");
    QTRY_COMPARE(stream.bytesToWrite(), 0);
    // Uncorked, a large write the kernel takes in part keeps the rest by reference too.
    const QByteArray more = pattern(16 * 1024 * 1024);
    stream.write(more);
    QVERIFY(stream.bytesToWrite() > 0);
    QVERIFY(!more.isDetached());
    got.clear();
    QTRY_VERIFY_WITH_TIMEOUT((got += peer.socket->readAll(), got.size() == more.size()), 20000);
    QCOMPARE(got, more);
}

QTEST_GUILESS_MAIN(TestStream)

namespace {
struct EventCounter : IoLoop::Client
{
    int outputEvents = 0;
    int inputEvents = 0;
    void ioReady(quint32 events) override
    {
        outputEvents += (events & EPOLLOUT) ? 1 : 0;
        inputEvents += (events & EPOLLIN) ? 1 : 0;
    }
};
} // namespace

void TestStream::peerReadingDoesNotWakeTheWriter()
{
    // A Unix socket reports "writable" each time its peer reads. A socket registered without output
    // interest must not be woken by that (one wasted wake-up per runner message otherwise); asking for
    // output later must report the readiness that is already there.
    int fds[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    EventCounter writer;
    IoLoop *loop = IoLoop::current();
    QVERIFY(loop->add(fds[0], &writer, false, nullptr));
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(::write(fds[0], "frame", 5), ssize_t(5));
        char buf[16];
        QCOMPARE(::read(fds[1], buf, sizeof buf), ssize_t(5));
        QCoreApplication::processEvents();
    }
    QTest::qWait(20);
    QCOMPARE(writer.outputEvents, 0);
    QVERIFY(loop->watchOutput(fds[0], &writer, true));
    QVERIFY(QTest::qWaitFor([&] { return writer.outputEvents == 1; }, 2000));
    QCOMPARE(::write(fds[1], "x", 1), ssize_t(1)); // input is still reported as before
    QVERIFY(QTest::qWaitFor([&] { return writer.inputEvents == 1; }, 2000));
    loop->forget(&writer);
    ::close(fds[0]);
    ::close(fds[1]);
}

#include "tst_stream.moc"
