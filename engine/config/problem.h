#pragma once

#include <QList>
#include <QString>

// One finding of validation: where (a JSON Pointer into the validated object) and what.
struct Problem
{
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    QString pointer;
    QString message; // what APISIX's Admin API answers
    // For a conf value (a JSON text inside a JSON string): where inside it, as a JSON Pointer.
    QString innerPointer;
    // Where APISIX's words are its schema checker's summary ("object matches none of the required"), what
    // failed inside, for the editor and the command line.
    QString hint;

    bool isError() const { return severity == Severity::Error; }
    // The message with its hint, as the editor and the command line show it.
    QString shown() const { return hint.isEmpty() ? message : message + QStringLiteral(" (") + hint + QLatin1Char(')'); }
    bool operator==(const Problem &) const = default;
};

using Problems = QList<Problem>;

inline bool hasErrors(const Problems &problems)
{
    for (const Problem &p : problems)
        if (p.isError())
            return true;
    return false;
}

// The first error, in the Admin API's words; empty when there is none.
QString firstErrorMessage(const Problems &problems);
// JSON Pointer token escaping (RFC 6901).
QString pointerToken(const QString &key);
