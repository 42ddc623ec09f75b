#pragma once
// Drives widgets the way a user does, for the offscreen widget tests: clicks on the real control,
// answers the modal dialog a click opens.

#include <QAbstractButton>
#include <QApplication>
#include <QDialog>
#include <QGroupBox>
#include <QMessageBox>
#include <QPointer>
#include <QStyle>
#include <QStyleOptionGroupBox>
#include <QTest>
#include <QTimer>

namespace UiDriver {

// The button whose text (without '&') is `text` among `root`'s children, one a user can press first
// (visible and enabled) when several have that text.
template<typename Button = QAbstractButton>
Button *button(QWidget *root, const QString &text)
{
    Button *found = nullptr;
    for (Button *b : root->findChildren<Button *>()) {
        if (b->text().remove(QLatin1Char('&')) != text)
            continue;
        if (b->isVisibleTo(root) && b->isEnabled())
            return b;
        if (!found)
            found = b;
    }
    if (found)
        return found;
    qWarning("no button \"%s\"", qPrintable(text));
    return nullptr;
}

// Clicks a checkable group box's check box where the style draws it.
inline void clickGroupBoxCheck(QGroupBox *box)
{
    QStyleOptionGroupBox option;
    option.initFrom(box);
    option.subControls = QStyle::SC_GroupBoxCheckBox | QStyle::SC_GroupBoxLabel | QStyle::SC_GroupBoxFrame;
    option.features = QStyleOptionFrame::None;
    option.text = box->title();
    option.lineWidth = 1;
    const QRect r = box->style()->subControlRect(QStyle::CC_GroupBox, &option, QStyle::SC_GroupBoxCheckBox, box);
    QTest::mouseClick(box, Qt::LeftButton, {}, r.center());
}

// Arms an answer for the next modal message box (or dialog): it is pressed as soon as the box shows.
// Returns a flag that tells whether a box was answered.
class DialogAnswer : public QObject
{
public:
    explicit DialogAnswer(QMessageBox::StandardButton answer) : m_answer(answer)
    {
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            QWidget *modal = QApplication::activeModalWidget();
            if (!modal)
                return;
            m_text = modal->findChild<QWidget *>() ? modal->windowTitle() : QString();
            if (auto *box = qobject_cast<QMessageBox *>(modal)) {
                m_text = box->text();
                if (QAbstractButton *b = box->button(m_answer)) {
                    b->click();
                } else {
                    box->reject();
                }
            } else if (auto *dialog = qobject_cast<QDialog *>(modal)) {
                dialog->reject();
            }
            m_answered = true;
            m_timer.stop();
        });
        m_timer.start();
    }
    bool answered() const { return m_answered; }
    QString text() const { return m_text; }

private:
    QMessageBox::StandardButton m_answer;
    QTimer m_timer;
    bool m_answered = false;
    QString m_text;
};

} // namespace UiDriver
