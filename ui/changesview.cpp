#include "changesview.h"

#include "bodytext.h"
#include "textdiff.h"

namespace {
QStringList headerLines(const CapturedMessage &m)
{
    QStringList out;
    out << QStringLiteral("%1 %2").arg(m.status).arg(QString::fromLatin1(m.reason));
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

// Both bodies pretty-printed when both can be; otherwise both as they are, so that a change of form
// does not show as a change of every line.
std::pair<QStringList, QStringList> bodyLines(const CapturedMessage &before, const CapturedMessage &after)
{
    const BodyText a = makeBodyText(before.headers, before.body, before.bodySize);
    const BodyText b = makeBodyText(after.headers, after.body, after.bodySize);
    if (a.kind == b.kind)
        return {lines(a.text), lines(b.text)};
    return {lines(QString::fromUtf8(a.decoded)), lines(QString::fromUtf8(b.decoded))};
}

QString cell(const QString &text, DiffLine::Op op, bool present)
{
    if (!present)
        return QStringLiteral("<td width='50%' class='none'></td>");
    const char *cls = op == DiffLine::Op::Removed ? "del" : op == DiffLine::Op::Added ? "add" : "same";
    return QStringLiteral("<td width='50%' class='%1'><pre>%2</pre></td>").arg(QLatin1String(cls), text.toHtmlEscaped());
}

QString table(const QString &title, const QStringList &before, const QStringList &after)
{
    const auto rows = sideBySide(diffLines(before, after));
    int changed = 0;
    QString html = QStringLiteral("<table width='100%' cellspacing='0' cellpadding='2'>");
    for (const DiffRow &r : rows) {
        if (r.leftOp != DiffLine::Op::Same || r.rightOp != DiffLine::Op::Same)
            ++changed;
        html += QStringLiteral("<tr>") + cell(r.left, r.leftOp, r.hasLeft) + cell(r.right, r.rightOp, r.hasRight) + QStringLiteral("</tr>");
    }
    html += QStringLiteral("</table>");
    const QString summary = changed ? QStringLiteral("%1 line(s) differ").arg(changed) : QStringLiteral("identical");
    return QStringLiteral("<h3>%1 <small>(%2)</small></h3>").arg(title, summary) + html;
}
} // namespace

QString changesHtml(const CapturedExchange &e)
{
    QString html = QStringLiteral(
        "<style>td{vertical-align:top;font-family:monospace;} pre{margin:0;white-space:pre-wrap;}"
        " td.del{background:#f8d7da;color:#000;} td.add{background:#d4edda;color:#000;} td.none{background:#eeeeee;}"
        " .note{background:#fff3cd;color:#000;padding:4px;} th{text-align:left;}</style>");
    if (!e.upstreamResponse.present) {
        html += QStringLiteral("<p>No upstream response to compare: %1</p>")
                    .arg(e.errorText.isEmpty() ? QStringLiteral("the upstream was not called (no route, or a runner Stop).")
                                               : (e.errorStep + QStringLiteral(": ") + e.errorText).toHtmlEscaped());
    }
    for (const QString &note : e.notes)
        html += QStringLiteral("<p class='note'>%1</p>").arg(note.toHtmlEscaped());
    if (!e.upstreamResponse.present)
        return html;
    html += QStringLiteral("<table width='100%'><tr><th width='50%'>Before: upstream response</th><th>After: client response</th></tr></table>");
    html += table(QStringLiteral("Status and headers"), headerLines(e.upstreamResponse), headerLines(e.clientResponse));
    const auto [before, after] = bodyLines(e.upstreamResponse, e.clientResponse);
    html += table(QStringLiteral("Body"), before, after);
    return html;
}

ChangesView::ChangesView(QWidget *parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
}

void ChangesView::setExchange(const CapturedExchange &e)
{
    setHtml(changesHtml(e));
}
