#pragma once

#include "problem.h"

#include <Qsci/qsciscintilla.h>

class JsonLocator;

// A JSON text editor (QScintilla: JSON lexer, folding, brace matching, line numbers) that marks
// problems on the exact text of the value they are about, with the message as an annotation. Its
// colours follow the widget's palette, light or dark, and change with it.
class JsonEditor : public QsciScintilla
{
    Q_OBJECT
public:
    explicit JsonEditor(QWidget *parent = nullptr);

    QByteArray textUtf8() const { return text().toUtf8(); }
    // Replaces the text as one undoable step (so Ctrl+Z takes a form edit back too).
    void replaceAllText(const QString &text);
    // Marks each problem at its pointer's value (or the parse error at its offset).
    void showProblems(const Problems &problems, const JsonLocator &locator);
    void showParseError(qsizetype offset, const QString &message);
    void clearProblems();
    void jumpTo(qsizetype byteOffset);
    // Where the markers are, for tests: the line (from 0) of each marked range's start.
    QList<int> markedLines() const { return m_markedLines; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void mark(qsizetype start, qsizetype end, bool error, const QString &message);
    // The lexer's and the margins' colours from the palette: readable in a light and a dark one alike.
    void applyPalette();

    int m_errorIndicator;
    int m_warningIndicator;
    QList<int> m_markedLines;
};
