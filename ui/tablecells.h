#pragma once

#include <QTableWidget>

// The text of a cell, empty when the cell has no item (yet): a row being built, or a user's empty cell.
inline QString cellText(const QTableWidget *table, int row, int column)
{
    const QTableWidgetItem *item = table->item(row, column);
    return item ? item->text() : QString();
}
