#include "textdiff.h"

#include <dtl/dtl.hpp>

#include <vector>

QList<DiffLine> diffLines(const QStringList &before, const QStringList &after)
{
    const std::vector<QString> a(before.begin(), before.end());
    const std::vector<QString> b(after.begin(), after.end());
    dtl::Diff<QString, std::vector<QString>> diff(a, b);
    diff.onHuge();
    diff.compose();
    QList<DiffLine> out;
    for (const auto &[text, info] : diff.getSes().getSequence()) {
        DiffLine::Op op = DiffLine::Op::Same;
        if (info.type == dtl::SES_ADD)
            op = DiffLine::Op::Added;
        else if (info.type == dtl::SES_DELETE)
            op = DiffLine::Op::Removed;
        out.append({op, text});
    }
    return out;
}

QList<DiffRow> sideBySide(const QList<DiffLine> &diff)
{
    QList<DiffRow> rows;
    qsizetype i = 0;
    while (i < diff.size()) {
        if (diff[i].op == DiffLine::Op::Same) {
            rows.append({diff[i].text, diff[i].text, DiffLine::Op::Same, DiffLine::Op::Same, true, true});
            ++i;
            continue;
        }
        // A run of removals and additions: pair them up line by line.
        QStringList removed, added;
        while (i < diff.size() && diff[i].op != DiffLine::Op::Same) {
            (diff[i].op == DiffLine::Op::Removed ? removed : added).append(diff[i].text);
            ++i;
        }
        for (qsizetype k = 0; k < qMax(removed.size(), added.size()); ++k) {
            DiffRow row;
            row.hasLeft = k < removed.size();
            row.hasRight = k < added.size();
            row.left = row.hasLeft ? removed[k] : QString();
            row.right = row.hasRight ? added[k] : QString();
            row.leftOp = DiffLine::Op::Removed;
            row.rightOp = DiffLine::Op::Added;
            rows.append(row);
        }
    }
    return rows;
}
