#pragma once

#include <QList>
#include <QString>
#include <QStringList>

// Line diff (libdtl's O(NP) algorithm), for "before" vs "after" headers and bodies.
struct DiffLine
{
    enum class Op { Same, Removed, Added };
    Op op = Op::Same;
    QString text;
    bool operator==(const DiffLine &) const = default;
};

QList<DiffLine> diffLines(const QStringList &before, const QStringList &after);

// One row of a side-by-side view: a removed line pairs with the added line that replaced it.
struct DiffRow
{
    QString left;     // empty with leftOp Same and no text when there is no line on that side
    QString right;
    DiffLine::Op leftOp = DiffLine::Op::Same;
    DiffLine::Op rightOp = DiffLine::Op::Same;
    bool hasLeft = true;
    bool hasRight = true;
};
QList<DiffRow> sideBySide(const QList<DiffLine> &diff);
