#include "comparedialog.h"

#include "changesview.h"

#include <QDialogButtonBox>
#include <QPushButton>
#include <QVBoxLayout>

CompareDialog::CompareDialog(ExchangePtr left, ExchangePtr right, QWidget *parent)
    : QDialog(parent), m_left(std::move(left)), m_right(std::move(right)), m_view(new ChangesView(this))
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *swap = buttons->addButton(tr("S&wap sides"), QDialogButtonBox::ActionRole);
    swap->setObjectName(QStringLiteral("swap"));
    connect(swap, &QPushButton::clicked, this, &CompareDialog::swapSides);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
    showBoth();
    resize(1100, 700);
}

void CompareDialog::swapSides()
{
    std::swap(m_left, m_right);
    showBoth();
}

void CompareDialog::showBoth()
{
    setWindowTitle(tr("Compare exchanges %1 and %2").arg(m_left->id).arg(m_right->id));
    m_view->compare(m_left, m_right);
}
