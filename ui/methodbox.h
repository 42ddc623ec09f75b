#pragma once

#include <QComboBox>

// The method field of a request the user types (Why this route, Edit and replay): the common methods
// offered, any other typed in.
inline QComboBox *newMethodBox(QWidget *parent)
{
    auto *box = new QComboBox(parent);
    box->setEditable(true);
    box->addItems({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"});
    box->setObjectName(QStringLiteral("method"));
    return box;
}
