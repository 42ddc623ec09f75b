#include "testrunner.h"

#include <QLocalServer>
#include <QLocalSocket>

TestRunner::TestRunner(Script script, const QString &path)
{
    m_path = path.isEmpty() ? m_dir.filePath(QStringLiteral("r.sock")) : path;
    m_thread.start();
    auto *server = new QLocalServer;
    server->moveToThread(&m_thread);
    m_server = server;
    QMetaObject::invokeMethod(server, [this, server, script] {
        QObject::connect(server, &QLocalServer::newConnection, server, [this, server, script] {
            while (QLocalSocket *s = server->nextPendingConnection()) {
                {
                    QMutexLocker lock(&m_mutex);
                    ++m_connections;
                }
                auto decoder = std::make_shared<FrameDecoder>();
                QObject::connect(s, &QLocalSocket::disconnected, s, &QObject::deleteLater);
                QObject::connect(s, &QLocalSocket::readyRead, s, [this, s, decoder, script] {
                    decoder->feed(s->readAll());
                    while (auto frame = decoder->next()) {
                        {
                            QMutexLocker lock(&m_mutex);
                            m_received.append(frame->type);
                        }
                        const Answer a = script(*frame);
                        for (const auto &[type, payload] : a.frames)
                            s->write(payload.isNull() && type == 255 ? QByteArray("garbage!") : *Frame::encode(type, payload));
                        s->write(a.raw);
                        s->flush();
                        if (a.close) {
                            s->disconnectFromServer();
                            return;
                        }
                    }
                });
            }
        });
        server->listen(m_path);
    }, Qt::BlockingQueuedConnection);
}

TestRunner::~TestRunner()
{
    QMetaObject::invokeMethod(m_server, [this] { m_server->deleteLater(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QList<quint8> TestRunner::received() const
{
    QMutexLocker lock(&m_mutex);
    return m_received;
}

int TestRunner::connections() const
{
    QMutexLocker lock(&m_mutex);
    return m_connections;
}

TestRunner::Answer TestRunner::standard(const DecodedFrame &frame)
{
    static std::atomic<quint32> token{0};
    switch (frame.type) {
    case Frame::PrepareConf:
        return reply(Frame::PrepareConf, Runner::encode(Runner::PrepareConfResp{++token}));
    case Frame::HttpReqCall: {
        QString e;
        const auto req = Runner::decodeHttpReqCallReq(frame.payload, &e);
        Runner::HttpReqCallResp resp;
        resp.id = req ? req->id : 0;
        return reply(Frame::HttpReqCall, Runner::encode(resp));
    }
    case Frame::HttpRespCall: {
        QString e;
        const auto req = Runner::decodeHttpRespCallReq(frame.payload, &e);
        Runner::HttpRespCallResp resp;
        resp.id = req ? req->id : 0;
        if (req)
            for (const auto &[name, value] : req->headers)
                resp.headers.append({name, value});
        return reply(Frame::HttpRespCall, Runner::encode(resp));
    }
    }
    return err(Runner::ErrCode::BadRequest);
}
