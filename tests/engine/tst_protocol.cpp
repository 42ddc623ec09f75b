#include "a6_generated.h"
#include "frame.h"
#include "runnermessages.h"

#include <flatbuffers/flatbuffers.h>

#include <QTest>

using namespace Runner;

class TestProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void frameHeader_data();
    void frameHeader();
    void oversizedPayloadIsRefused();
    void decoderSplitsAndJoins();
    void truncatedFrameStaysPending();
    void roundTrips();
    void encodeFrameIsHeaderPlusPayload();
    void encodeFrameRefusesOversized();
    void callHeaderNamesAsApisixSendsThem();
    void absentIsNotEmpty();
    void emptyPrepareConfHasNoConfVector();
    void garbageNeverDecodes_data();
    void garbageNeverDecodes();
    void methods();
    void stringsWithoutTerminatorAsThePythonRunnerWrites();
    void largeBodiesAreNeverHeldTwice();
};

void TestProtocol::frameHeader_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("size");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("empty") << 1 << 0 << QByteArray("\x01\x00\x00\x00", 4);
    QTest::newRow("one byte") << 2 << 1 << QByteArray("\x02\x00\x00\x01", 4);
    QTest::newRow("256") << 3 << 256 << QByteArray("\x03\x00\x01\x00", 4);
    QTest::newRow("65536") << 4 << 65536 << QByteArray("\x04\x01\x00\x00", 4);
    QTest::newRow("max") << 0 << int(Frame::kMaxPayload) << QByteArray("\x00\xff\xff\xff", 4);
}

void TestProtocol::frameHeader()
{
    QFETCH(int, type);
    QFETCH(int, size);
    QFETCH(QByteArray, header);
    const QByteArray payload(size, 'p');
    const auto frame = Frame::encode(quint8(type), payload);
    QVERIFY(frame);
    QCOMPARE(frame->left(4), header);
    QCOMPARE(frame->size(), size + 4);
    FrameDecoder d;
    d.feed(*frame);
    const auto out = d.next();
    QVERIFY(out);
    QCOMPARE(int(out->type), type);
    QCOMPARE(out->payload.size(), size);
    QCOMPARE(d.pendingBytes(), 0);
}

void TestProtocol::oversizedPayloadIsRefused()
{
    QString error;
    QVERIFY(!Frame::encode(2, QByteArray(Frame::kMaxPayload + 1, 'x'), &error));
    QVERIFY(error.contains("16777215"));
}

void TestProtocol::decoderSplitsAndJoins()
{
    QByteArray stream = *Frame::encode(1, "abc") + *Frame::encode(3, "") + *Frame::encode(4, QByteArray(1000, 'z'));
    FrameDecoder d;
    QList<DecodedFrame> frames;
    for (char c : stream) { // one byte at a time
        d.feed(QByteArrayView(&c, 1));
        while (auto f = d.next())
            frames.append(*f);
    }
    QCOMPARE(frames.size(), 3);
    QCOMPARE(frames[0].payload, QByteArray("abc"));
    QCOMPARE(frames[1].type, quint8(3));
    QVERIFY(frames[1].payload.isEmpty());
    QCOMPARE(frames[2].payload.size(), 1000);
}

void TestProtocol::truncatedFrameStaysPending()
{
    FrameDecoder d;
    d.feed(QByteArray("\x02\x00\x00\x10" "short", 9));
    QVERIFY(!d.next());
    QCOMPARE(d.pendingBytes(), 9);
}

void TestProtocol::roundTrips()
{
    QString error;
    HttpReqCallReq req{7, QByteArray("\x7f\x00\x00\x01", 4), 2, "/p", {{"a", "1"}, {"a", "2"}, {"k", std::nullopt}, {"e", ""}},
                       {{"host", "h"}, {"x", "y"}}, 42};
    const auto r1 = decodeHttpReqCallReq(encode(req), &error);
    QVERIFY2(r1, qPrintable(error));
    QCOMPARE(r1->id, 7u);
    QCOMPARE(r1->srcIp, req.srcIp);
    QCOMPARE(r1->method, quint8(2));
    QCOMPARE(r1->path, QByteArray("/p"));
    QCOMPARE(r1->args, req.args);
    QCOMPARE(r1->headers, req.headers);
    QCOMPARE(r1->confToken, 42u);

    HttpReqCallResp stop;
    stop.id = 7;
    stop.action = HttpReqCallResp::Action::Stop;
    stop.stop = {403, {{"x-why", "no"}}, "denied"};
    const auto r2 = decodeHttpReqCallResp(encode(stop), &error);
    QVERIFY(r2);
    QCOMPARE(r2->action, HttpReqCallResp::Action::Stop);
    QCOMPARE(r2->stop.status, quint16(403));
    QCOMPARE(r2->stop.body, QByteArray("denied"));

    HttpReqCallResp rw;
    rw.action = HttpReqCallResp::Action::Rewrite;
    rw.rewrite.path = QByteArray("/new");
    rw.rewrite.headers = {{"del", std::nullopt}};
    rw.rewrite.respHeaders = {{"x-a", "1"}};
    const auto r3 = decodeHttpReqCallResp(encode(rw), &error);
    QVERIFY(r3);
    QCOMPARE(r3->action, HttpReqCallResp::Action::Rewrite);
    QCOMPARE(r3->rewrite.path, std::optional<QByteArray>("/new"));
    QCOMPARE(r3->rewrite.headers, rw.rewrite.headers);
    QCOMPARE(r3->rewrite.respHeaders, rw.rewrite.respHeaders);

    HttpReqCallResp none;
    none.id = 9;
    QCOMPARE(decodeHttpReqCallResp(encode(none), &error)->action, HttpReqCallResp::Action::None);

    const auto r4 = decodeHttpRespCallResp(encode(HttpRespCallResp{3, 304, {{"a", "b"}}, "body"}), &error);
    QVERIFY(r4);
    QCOMPARE(r4->status, quint16(304));
    QCOMPARE(r4->body, QByteArray("body"));
    const auto r5 = decodeHttpRespCallReq(encode(HttpRespCallReq{3, 200, {{"set-cookie", "a"}, {"set-cookie", "b"}}, 5}), &error);
    QCOMPARE(r5->headers.size(), 2);
    QCOMPARE(decodePrepareConfResp(encode(PrepareConfResp{77}), &error)->confToken, 77u);
    QCOMPARE(decodeErrResp(encode(ErrResp{2}), &error)->code, quint8(2));
    QCOMPARE(decodeErrResp(encode(ErrResp{0}), &error)->code, quint8(0));
    QCOMPARE(decodeExtraInfoReq(encode(ExtraInfoReq{ExtraInfoReq::Kind::Var, "uri"}), &error)->name, QByteArray("uri"));
    QCOMPARE(decodeExtraInfoReq(encode(ExtraInfoReq{ExtraInfoReq::Kind::RespBody, {}}), &error)->kind, ExtraInfoReq::Kind::RespBody);
}

void TestProtocol::encodeFrameIsHeaderPlusPayload()
{
    // The one-pass frame must be byte for byte the frame of the separately encoded payload, whatever the
    // shared builder held before (a large message first, then small ones).
    const ExtraInfoResp big{QByteArray(200 * 1024, 'b')};
    QCOMPARE(*encodeFrame(big), *Frame::encode(Frame::ExtraInfo, encode(big)));
    const HttpRespCallReq call{7, 200, {{"content-type", "text/plain"}, {"x-empty", ""}}, 3};
    QCOMPARE(*encodeFrame(call), *Frame::encode(Frame::HttpRespCall, encode(call)));
    QCOMPARE(*encodeFrame(PrepareConfReq{{{"noop", QByteArray("")}}, "route#1#ext-plugin-post-resp#1"}),
             *Frame::encode(Frame::PrepareConf, encode(PrepareConfReq{{{"noop", QByteArray("")}}, "route#1#ext-plugin-post-resp#1"})));
    QCOMPARE(*encodeFrame(ErrResp{0}), *Frame::encode(Frame::RpcError, encode(ErrResp{0})));
    QVERIFY(!encode(ErrResp{0}).isEmpty()); // code 0 is still written
    QCOMPARE(*encodeFrame(ExtraInfoReq{ExtraInfoReq::Kind::Var, "uri"}),
             *Frame::encode(Frame::ExtraInfo, encode(ExtraInfoReq{ExtraInfoReq::Kind::Var, "uri"})));
    // Decoding the frame gives the message back.
    FrameDecoder d;
    d.feed(*encodeFrame(call));
    const auto frame = d.next();
    QVERIFY(frame);
    QCOMPARE(frame->type, quint8(Frame::HttpRespCall));
    QString error;
    const auto back = decodeHttpRespCallReq(frame->payload, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->headers, call.headers);
    QCOMPARE(back->confToken, 3u);
    // Skipping the headers keeps everything else.
    const auto bare = decodeHttpRespCallReq(frame->payload, &error, Headers::Skip);
    QVERIFY(bare);
    QVERIFY(bare->headers.isEmpty());
    QCOMPARE(bare->id, 7u);
    QCOMPARE(bare->status, quint16(200));
}

void TestProtocol::encodeFrameRefusesOversized()
{
    QString error;
    QVERIFY(!encodeFrame(ExtraInfoResp{QByteArray(Frame::kMaxPayload, 'x')}, &error));
    QVERIFY2(error.contains("exceeds the protocol limit of 16777215 bytes"), qPrintable(error));
    QVERIFY(encodeFrame(ExtraInfoResp{QByteArray(16, 'x')})); // the builder is usable again
}

void TestProtocol::callHeaderNamesAsApisixSendsThem()
{
    // APISIX sends the request headers with lower-case names (ngx.req.get_headers); the response headers
    // of HTTPRespCall.Req as lua-resty-http read them, in the upstream's case. Everything else keeps its case.
    QString error;
    const auto resp = decodeHttpRespCallReq(encode(HttpRespCallReq{1, 200, {{"Content-Type", "text/plain"}, {"X-MiXed-9", "V"}}, 2}), &error);
    QVERIFY2(resp, qPrintable(error));
    QCOMPARE(resp->headers, (HeaderFields{{"Content-Type", "text/plain"}, {"X-MiXed-9", "V"}}));
    HttpReqCallReq call;
    call.path = "/P";
    call.args = {{"Key", "Value"}};
    call.headers = {{"X-Long-" + QByteArray(300, 'N'), "v"}}; // longer than the on-stack buffer
    const auto req = decodeHttpReqCallReq(encode(call), &error);
    QVERIFY2(req, qPrintable(error));
    QCOMPARE(req->headers.first().name, "x-long-" + QByteArray(300, 'n'));
    QCOMPARE(req->args, call.args);
    QCOMPARE(req->path, QByteArray("/P"));
    const auto reply = decodeHttpRespCallResp(encode(HttpRespCallResp{1, 0, {{"X-Ext-Plugin-A", "executed"}}, {}}), &error);
    QVERIFY(reply);
    QCOMPARE(reply->headers.first().name, QByteArray("X-Ext-Plugin-A"));
}

void TestProtocol::absentIsNotEmpty()
{
    QString error;
    QVERIFY(!decodeExtraInfoResp(encode(ExtraInfoResp{std::nullopt}), &error)->result.has_value());
    const auto empty = decodeExtraInfoResp(encode(ExtraInfoResp{QByteArray("")}), &error);
    QVERIFY(empty->result.has_value());
    QVERIFY(empty->result->isEmpty());
}

void TestProtocol::emptyPrepareConfHasNoConfVector()
{
    QString error;
    const auto m = decodePrepareConfReq(encode(PrepareConfReq{{}, "route#1#ext-plugin-post-resp#3"}), &error);
    QVERIFY(m);
    QVERIFY(m->conf.isEmpty());
    QCOMPARE(m->key, QByteArray("route#1#ext-plugin-post-resp#3"));
}

void TestProtocol::garbageNeverDecodes_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("one byte") << QByteArray("\x01", 1);
    QTest::newRow("offset out of range") << QByteArray("\xff\xff\xff\x7f\x00\x00\x00\x00", 8);
    QTest::newRow("text") << QByteArray("this is not a flatbuffer at all, just text");
    QByteArray truncated = encode(HttpRespCallResp{3, 200, {{"a", "b"}}, "body"});
    truncated.chop(6);
    QTest::newRow("truncated") << truncated;
}

void TestProtocol::garbageNeverDecodes()
{
    QFETCH(QByteArray, payload);
    QString error;
    // Every decoder either refuses with a reason or yields a value; none crashes or reads out of bounds.
    for (quint8 type = 0; type <= 5; ++type)
        QVERIFY(!Runner::summarize(type, true, payload).isEmpty());
    if (payload.size() < 8) {
        QVERIFY(!decodeHttpReqCallResp(payload, &error));
        QVERIFY(!error.isEmpty());
    }
}

void TestProtocol::methods()
{
    QCOMPARE(methodCode("GET"), 0);
    QCOMPARE(methodCode("TRACE"), 14);
    QCOMPARE(methodCode("PURGE"), -1);
    QCOMPARE(methodName(13), QByteArray("PATCH"));
}

namespace {
// A string as apisix-python-plugin-runner writes it: builder.CreateByteVector(text), no NUL after it.
flatbuffers::Offset<flatbuffers::String> byteString(flatbuffers::FlatBufferBuilder &b, const QByteArray &text)
{
    return flatbuffers::Offset<flatbuffers::String>(b.CreateVector(reinterpret_cast<const uint8_t *>(text.data()), size_t(text.size())).o);
}

QByteArray finished(flatbuffers::FlatBufferBuilder &b)
{
    return QByteArray(reinterpret_cast<const char *>(b.GetBufferPointer()), qsizetype(b.GetSize()));
}
} // namespace

void TestProtocol::stringsWithoutTerminatorAsThePythonRunnerWrites()
{
    flatbuffers::FlatBufferBuilder b;
    const auto path = byteString(b, "/req"); // 4 bytes, built first: it ends the buffer, nothing follows it
    const auto name = byteString(b, "X-Ab");
    const auto value = byteString(b, "12345678");
    const auto header = A6::CreateTextEntry(b, name, value);
    const auto headers = b.CreateVector(std::vector<flatbuffers::Offset<A6::TextEntry>>{header});
    const auto rewrite = A6::HTTPReqCall::CreateRewrite(b, path, headers);
    b.Finish(A6::HTTPReqCall::CreateResp(b, 7, A6::HTTPReqCall::Action::Rewrite, rewrite.Union()));
    const QByteArray payload = finished(b);
    // The standard verifier refuses it (so this test means something) ...
    flatbuffers::Verifier strict(reinterpret_cast<const uint8_t *>(payload.data()), size_t(payload.size()));
    QVERIFY(!strict.VerifyBuffer<A6::HTTPReqCall::Resp>(nullptr));
    // ... APISIX's reader takes it, and so do we.
    QString error;
    const auto reply = decodeHttpReqCallResp(payload, &error);
    QVERIFY2(reply, qPrintable(error));
    QCOMPARE(reply->id, quint32(7));
    QCOMPARE(reply->action, HttpReqCallResp::Action::Rewrite);
    QCOMPARE(reply->rewrite.path, QByteArray("/req"));
    QCOMPARE(reply->rewrite.headers.size(), 1);
    QCOMPARE(reply->rewrite.headers.first().name, QByteArray("X-Ab"));
    QCOMPARE(reply->rewrite.headers.first().value, QByteArray("12345678"));

    // A string whose length runs past the buffer is still refused, leniently or not.
    QByteArray broken = payload;
    const qsizetype at = broken.lastIndexOf("/req") - 4;
    broken[at] = char(0x40); // its length field: 64 bytes, beyond the end
    QVERIFY(!decodeHttpReqCallResp(broken, &error));
    QVERIFY(error.contains("failed FlatBuffers verification"));

    // The post-resp reply and ExtraInfo's Var name likewise.
    flatbuffers::FlatBufferBuilder r;
    const auto body = r.CreateVector(reinterpret_cast<const uint8_t *>("abcd"), 4);
    const auto rname = byteString(r, "X-Cd");
    const auto rvalue = byteString(r, "wxyz");
    const auto rheaders = r.CreateVector(std::vector<flatbuffers::Offset<A6::TextEntry>>{A6::CreateTextEntry(r, rname, rvalue)});
    r.Finish(A6::HTTPRespCall::CreateResp(r, 9, 201, rheaders, body));
    const auto resp = decodeHttpRespCallResp(finished(r), &error);
    QVERIFY2(resp, qPrintable(error));
    QCOMPARE(resp->status, quint16(201));
    QCOMPARE(resp->headers.first().value, QByteArray("wxyz"));
    flatbuffers::FlatBufferBuilder x;
    const auto var = A6::ExtraInfo::CreateVar(x, byteString(x, "uri_"));
    x.Finish(A6::ExtraInfo::CreateReq(x, A6::ExtraInfo::Info::Var, var.Union()));
    const auto ask = decodeExtraInfoReq(finished(x), &error);
    QVERIFY2(ask, qPrintable(error));
    QCOMPARE(ask->name, QByteArray("uri_"));
}

// Issue 12: a large body crosses the runner socket without a second buffer of its size: a big frame's
// buffer becomes its payload, a reply's body is taken from the payload in place, and the body of an
// ExtraInfo answer goes out behind its frame's head instead of being copied into the frame.
void TestProtocol::largeBodiesAreNeverHeldTwice()
{
    const auto inside = [](const QByteArray &part, const char *start, qsizetype size) {
        return part.constData() >= start && part.constData() + part.size() <= start + size;
    };
    QByteArray body(5 * 1024 * 1024 + 3, 'b'); // not a multiple of 4
    body[0] = 'B';
    // A reply frame alone in the decoder's buffer.
    const QByteArray frame = *encodeFrame(HttpRespCallResp{7, 200, {{"x", QByteArray("1")}}, body});
    FrameDecoder decoder;
    decoder.feed(QByteArrayView(frame).first(100));
    decoder.feed(QByteArrayView(frame).sliced(100));
    std::optional<DecodedFrame> got = decoder.next();
    QVERIFY(got);
    QCOMPARE(decoder.pendingBytes(), 0);
    const char *buffer = got->payload.constData();
    const qsizetype bufferSize = got->payload.size();
    QString error;
    std::optional<HttpRespCallResp> reply = decodeHttpRespCallResp(std::move(got->payload), &error);
    QVERIFY2(reply, qPrintable(error));
    QCOMPARE(reply->id, 7u);
    QCOMPARE(reply->headers.size(), 1);
    QCOMPARE(reply->body, body);
    QVERIFY(inside(reply->body, buffer - Frame::kHeaderSize, bufferSize + Frame::kHeaderSize)); // the frame's own buffer
    // The same, Stop's body of HTTPReqCall.Resp; a small body is copied as before.
    HttpReqCallResp stop;
    stop.id = 3;
    stop.action = HttpReqCallResp::Action::Stop;
    stop.stop.status = 403;
    stop.stop.body = body;
    QByteArray payload = encode(stop);
    const char *stopBuffer = payload.constData();
    const qsizetype stopSize = payload.size();
    const std::optional<HttpReqCallResp> stopped = decodeHttpReqCallResp(std::move(payload), &error);
    QVERIFY2(stopped, qPrintable(error));
    QCOMPARE(stopped->stop.status, 403);
    QCOMPARE(stopped->stop.body, body);
    QVERIFY(inside(stopped->stop.body, stopBuffer, stopSize));
    QCOMPARE(decodeHttpRespCallResp(encode(HttpRespCallResp{1, 0, {}, "small"}), &error)->body, QByteArray("small"));
    // ExtraInfo.Resp in two parts: the body itself is the tail; head + tail is the frame encodeFrame makes
    // of it, byte for byte apart from where FlatBuffers pads, and decodes to the same result.
    const std::optional<FrameParts> parts = encodeFrameParts(ExtraInfoResp{body});
    QVERIFY(parts);
    QVERIFY(!parts->tail.isDetached() && parts->tail.constData() == body.constData()); // shared, not copied
    QVERIFY(parts->head.size() < 64);
    const QByteArray whole = parts->head + parts->tail;
    FrameDecoder again;
    again.feed(whole);
    got = again.next();
    QVERIFY(got);
    QCOMPARE(got->type, quint8(Frame::ExtraInfo));
    const std::optional<ExtraInfoResp> answer = decodeExtraInfoResp(got->payload, &error);
    QVERIFY2(answer, qPrintable(error));
    QCOMPARE(answer->result, std::optional<QByteArray>(body));
    // Small, absent and too large results.
    QVERIFY(encodeFrameParts(ExtraInfoResp{QByteArray("tiny")})->tail.isEmpty());
    QCOMPARE(encodeFrameParts(ExtraInfoResp{QByteArray("tiny")})->head, *encodeFrame(ExtraInfoResp{QByteArray("tiny")}));
    QVERIFY(encodeFrameParts(ExtraInfoResp{std::nullopt})->tail.isEmpty());
    QVERIFY(!encodeFrameParts(ExtraInfoResp{QByteArray(Frame::kMaxPayload, 'x')}, &error));
    QVERIFY(error.contains("exceeds the protocol limit"));
}

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
