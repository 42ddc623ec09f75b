#include "exchangefilter.h"

#include <QRegularExpression>

ExchangeFilter::ExchangeFilter(const QString &expression)
{
    static const QRegularExpression statusRe(QStringLiteral("^(>=|<=|>|<|=)?(\\d{1,3})$"));
    const QStringList words = expression.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    for (QString w : words) {
        Term t;
        if (w.startsWith(QLatin1Char('-')) && w.size() > 1) {
            t.negate = true;
            w = w.mid(1);
        }
        const qsizetype colon = w.indexOf(QLatin1Char(':'));
        const QString key = colon > 0 ? w.left(colon).toLower() : w.toLower();
        const QString value = colon > 0 ? w.mid(colon + 1) : QString();
        if (colon > 0 && key == QLatin1String("status")) {
            const auto m = statusRe.match(value);
            if (!m.hasMatch()) {
                m_problems << QStringLiteral("%1: expected status:404, status:>=400 …").arg(w);
                t.kind = Term::Kind::Status;
                t.op = QStringLiteral("never");
            } else {
                t.kind = Term::Kind::Status;
                t.op = m.captured(1).isEmpty() ? QStringLiteral("=") : m.captured(1);
                t.number = m.captured(2).toInt();
            }
        } else if (colon > 0 && key == QLatin1String("method")) {
            t.kind = Term::Kind::Method;
            t.text = value.toUpper();
        } else if (colon > 0 && key == QLatin1String("route")) {
            t.kind = Term::Kind::Route;
            t.text = value;
        } else if (colon > 0 && key == QLatin1String("host")) {
            t.kind = Term::Kind::Host;
            t.text = value.toLower();
        } else if (colon < 0 && key == QLatin1String("modified")) {
            t.kind = Term::Kind::Modified;
        } else if (colon < 0 && key == QLatin1String("error")) {
            t.kind = Term::Kind::Error;
        } else if (colon < 0 && key == QLatin1String("degraded")) {
            t.kind = Term::Kind::Degraded;
        } else {
            t.kind = Term::Kind::Text;
            t.text = w;
        }
        m_terms.append(t);
    }
}

bool ExchangeFilter::holds(const Term &t, const CapturedExchange &e) const
{
    switch (t.kind) {
    case Term::Kind::Text:
        return QString::fromUtf8(e.clientRequest.target).contains(t.text, Qt::CaseInsensitive)
            || QString::fromUtf8(e.host()).contains(t.text, Qt::CaseInsensitive);
    case Term::Kind::Status: {
        const int s = e.statusAfter();
        if (t.op == QLatin1String("="))
            return s == t.number;
        if (t.op == QLatin1String(">="))
            return s >= t.number;
        if (t.op == QLatin1String("<="))
            return s <= t.number;
        if (t.op == QLatin1String(">"))
            return s > t.number;
        if (t.op == QLatin1String("<"))
            return s < t.number;
        return false;
    }
    case Term::Kind::Method:
        return QString::fromLatin1(e.clientRequest.method) == t.text;
    case Term::Kind::Route:
        return e.routeId == t.text;
    case Term::Kind::Host:
        return QString::fromUtf8(e.host()).toLower().contains(t.text);
    case Term::Kind::Modified:
        return e.modifiedByRunner;
    case Term::Kind::Error:
        return e.hasError();
    case Term::Kind::Degraded:
        return e.degraded;
    }
    return false;
}

bool ExchangeFilter::matches(const CapturedExchange &e) const
{
    for (const Term &t : m_terms)
        if (holds(t, e) == t.negate)
            return false;
    return true;
}
