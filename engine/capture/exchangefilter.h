#pragma once

#include "capturedexchange.h"

#include <QString>

// The traffic table's filter: space-separated terms, all of which must hold.
//   status:404  status:>=400  status:<300   method:POST   route:1   host:example.com
//   modified (changed by the runner)   error   degraded   -term (negation)   other text: in the URL
class ExchangeFilter
{
public:
    ExchangeFilter() = default;
    explicit ExchangeFilter(const QString &expression);

    bool matches(const CapturedExchange &e) const;
    bool isEmpty() const { return m_terms.isEmpty(); }
    // Terms that could not be understood (shown to the user); they match nothing.
    QStringList problems() const { return m_problems; }

private:
    struct Term
    {
        enum class Kind { Text, Status, Method, Route, Host, Modified, Error, Degraded } kind = Kind::Text;
        bool negate = false;
        QString text;
        QString op;   // for status: "=", ">=", "<=", ">", "<"
        int number = 0;
    };
    bool holds(const Term &t, const CapturedExchange &e) const;

    QList<Term> m_terms;
    QStringList m_problems;
};
