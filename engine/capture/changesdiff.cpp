#include "changesdiff.h"

#include "bodytext.h"

namespace {
QStringList headerLines(const CapturedMessage &m)
{
    QStringList out;
    out << QStringLiteral("%1 %2").arg(m.status).arg(QString::fromLatin1(m.reason));
    for (const auto &[name, value] : m.headers.fields())
        out << QString::fromLatin1(name).toLower() + QStringLiteral(": ") + QString::fromUtf8(value);
    return out;
}

// A request as the Changes view compares it: its start line, then its headers.
QStringList requestLines(const CapturedMessage &m)
{
    QStringList out;
    out << QStringLiteral("%1 %2").arg(QString::fromLatin1(m.method), QString::fromUtf8(m.target));
    for (const auto &[name, value] : m.headers.fields())
        out << QString::fromLatin1(name).toLower() + QStringLiteral(": ") + QString::fromUtf8(value);
    return out;
}

QStringList lines(const QString &text)
{
    QStringList out = text.split(QLatin1Char('\n'));
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

ChangeSection lineSection(const QString &title, const QStringList &before, const QStringList &after)
{
    ChangeSection s;
    s.title = title;
    s.rows = sideBySide(diffLines(before, after));
    for (const DiffRow &r : std::as_const(s.rows))
        if (r.leftOp != DiffLine::Op::Same || r.rightOp != DiffLine::Op::Same)
            ++s.changedRows;
    s.summary = s.changedRows ? QStringLiteral("%1 line(s) differ").arg(s.changedRows) : QStringLiteral("identical");
    return s;
}

ChangeSection bodySection(const QString &title, const CapturedMessage &before, const CapturedMessage &after, const ChangesLimits &limits)
{
    const BodyText a = makeBodyText(before.headers, before.body, before.bodySize);
    const BodyText b = makeBodyText(after.headers, after.body, after.bodySize);
    // Both pretty-printed when both can be; otherwise both as they are, so that a change of form does
    // not show as a change of every line.
    const QString left = a.kind == b.kind ? a.text : QString::fromUtf8(a.decoded);
    const QString right = a.kind == b.kind ? b.text : QString::fromUtf8(b.decoded);
    const QStringList leftLines = lines(left);
    const QStringList rightLines = lines(right);
    const bool small = left.size() <= limits.maxDiffBytes && right.size() <= limits.maxDiffBytes
                       && leftLines.size() <= limits.maxDiffLines && rightLines.size() <= limits.maxDiffLines;
    if (small)
        return lineSection(title, leftLines, rightLines);
    ChangeSection s;
    s.title = title;
    const qsizetype at = firstDifference(before.body, after.body);
    const QString kept = before.truncated() || after.truncated()
                             ? QStringLiteral(" (of the %1 and %2 kept by the capture)").arg(sizeText(before.body.size()), sizeText(after.body.size()))
                             : QString();
    const bool keptSame = at < 0 || (at == qMin(before.body.size(), after.body.size()) && (before.truncated() || after.truncated()));
    if (keptSame && before.bodySize == after.bodySize) {
        s.summary = QStringLiteral("identical, %1 bytes%2; too large to show line by line").arg(before.bodySize).arg(kept);
    } else if (keptSame) {
        // What differs lies beyond what the capture kept: say so rather than name an offset we never saw.
        s.changedRows = 1;
        s.summary = QStringLiteral("bodies differ in size (%1 bytes vs %2 bytes); the %3 kept of each are identical; too large to diff line by line")
                        .arg(before.bodySize).arg(after.bodySize).arg(sizeText(qMin(before.body.size(), after.body.size())));
    } else {
        s.changedRows = 1;
        s.summary = QStringLiteral("bodies differ (%1 bytes vs %2 bytes), first difference at offset %3%4; too large to diff line by line")
                        .arg(before.bodySize).arg(after.bodySize).arg(at).arg(kept);
    }
    return s;
}
// The facts of an exchange other than its messages, a line each, in the same order for both sides.
QStringList factLines(const CapturedExchange &e)
{
    QStringList out;
    out << QStringLiteral("route: %1").arg(e.routeId.isEmpty() ? QStringLiteral("(none matched)") : e.routeId);
    out << QStringLiteral("upstream node: %1").arg(e.upstreamAddress.isEmpty() ? QStringLiteral("(not called)") : e.upstreamAddress);
    out << QStringLiteral("outcome: %1").arg(e.errorText.isEmpty() ? QStringLiteral("ok") : QStringLiteral("%1: %2").arg(e.errorStep, e.errorText));
    out << QStringLiteral("runner frames: %1").arg(e.frames.size());
    return out;
}

// One message of both exchanges: diffed when both have it, else a section that says which one lacks it.
void compareMessage(ExchangeChanges &out, const QString &name, const CapturedMessage &a, const CapturedMessage &b,
                    bool request, const ChangesLimits &limits)
{
    if (!a.present || !b.present) {
        if (!a.present && !b.present)
            return;
        ChangeSection s;
        s.title = name;
        s.changedRows = 1;
        s.summary = QStringLiteral("only the %1 exchange has one").arg(a.present ? QStringLiteral("left") : QStringLiteral("right"));
        out.sections << s;
        out.notes << QStringLiteral("%1: %2").arg(name, s.summary);
        return;
    }
    const ChangeSection head = request ? lineSection(name + QStringLiteral(": method, target and headers"), requestLines(a), requestLines(b))
                                       : lineSection(name + QStringLiteral(": status and headers"), headerLines(a), headerLines(b));
    const ChangeSection body = bodySection(name + QStringLiteral(": body"), a, b, limits);
    for (const ChangeSection &s : {head, body}) {
        if (s.changedRows)
            out.notes << QStringLiteral("%1: %2").arg(s.title, s.summary);
        out.sections << s;
    }
}
} // namespace

qsizetype firstDifference(const QByteArray &a, const QByteArray &b)
{
    const qsizetype n = qMin(a.size(), b.size());
    const auto mismatch = std::mismatch(a.cbegin(), a.cbegin() + n, b.cbegin());
    const qsizetype at = mismatch.first - a.cbegin();
    if (at < n)
        return at;
    return a.size() == b.size() ? -1 : n;
}

ExchangeChanges computeChanges(const CapturedExchange &e, const ChangesLimits &limits)
{
    ExchangeChanges out;
    out.notes = e.notes;
    if (!e.upstreamResponse.present) {
        out.absent = e.errorText.isEmpty() ? QStringLiteral("No upstream response to compare: the upstream was not called (no route, or a runner Stop).")
                                           : QStringLiteral("No upstream response to compare: %1: %2").arg(e.errorStep, e.errorText);
    } else {
        out.sections << lineSection(QStringLiteral("Status and headers"), headerLines(e.upstreamResponse), headerLines(e.clientResponse));
        out.sections << bodySection(QStringLiteral("Body"), e.upstreamResponse, e.clientResponse, limits);
    }
    // The request side: what the proxy and the pre-req / post-req runners made of the client's request.
    if (e.upstreamRequest.present && e.clientRequest.present) {
        out.sections << lineSection(QStringLiteral("Request: method, target and headers (client request, then upstream request)"),
                                    requestLines(e.clientRequest), requestLines(e.upstreamRequest));
        out.sections << bodySection(QStringLiteral("Request body"), e.clientRequest, e.upstreamRequest, limits);
    }
    return out;
}

ExchangeChanges compareExchanges(const CapturedExchange &a, const CapturedExchange &b, const ChangesLimits &limits)
{
    ExchangeChanges out;
    const ChangeSection facts = lineSection(QStringLiteral("Exchange"), factLines(a), factLines(b));
    if (facts.changedRows)
        out.notes << QStringLiteral("Exchange: %1 (route, node, outcome or runner frames)").arg(facts.summary);
    out.sections << facts;
    compareMessage(out, QStringLiteral("Client request"), a.clientRequest, b.clientRequest, true, limits);
    compareMessage(out, QStringLiteral("Upstream request"), a.upstreamRequest, b.upstreamRequest, true, limits);
    compareMessage(out, QStringLiteral("Upstream response"), a.upstreamResponse, b.upstreamResponse, false, limits);
    compareMessage(out, QStringLiteral("Client response"), a.clientResponse, b.clientResponse, false, limits);
    if (out.notes.isEmpty())
        out.notes << QStringLiteral("The two exchanges are the same, message for message.");
    const auto ms = [](qint64 ns) { return ns >= 0 ? QStringLiteral("%1 ms").arg(double(ns) / 1e6, 0, 'f', 3) : QStringLiteral("unknown"); };
    out.notes << QStringLiteral("Total time: %1 (left), %2 (right).").arg(ms(a.timings.totalNs), ms(b.timings.totalNs));
    return out;
}
