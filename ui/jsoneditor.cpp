#include "jsoneditor.h"

#include "jsonlocator.h"

#include <Qsci/qscilexerjson.h>

#include <QEvent>
#include <QFontDatabase>

JsonEditor::JsonEditor(QWidget *parent)
    : QsciScintilla(parent)
{
    setUtf8(true);
    auto *lexer = new QsciLexerJSON(this);
    lexer->setDefaultFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    lexer->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLexer(lexer);
    setFolding(QsciScintilla::BoxedTreeFoldStyle);
    setBraceMatching(QsciScintilla::SloppyBraceMatch);
    setAutoIndent(true);
    setIndentationsUseTabs(false);
    setTabWidth(2);
    setMarginLineNumbers(0, true);
    setMarginWidth(0, QStringLiteral("0000"));
    setAnnotationDisplay(QsciScintilla::AnnotationBoxed);
    m_errorIndicator = indicatorDefine(QsciScintilla::SquiggleLowIndicator, 8);
    setIndicatorForegroundColor(QColor(0xd0, 0x20, 0x20), m_errorIndicator);
    m_warningIndicator = indicatorDefine(QsciScintilla::SquiggleLowIndicator, 9);
    setIndicatorForegroundColor(QColor(0xe0, 0x90, 0x00), m_warningIndicator);
    applyPalette();
}

void JsonEditor::changeEvent(QEvent *event)
{
    QsciScintilla::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyPalette();
}

void JsonEditor::applyPalette()
{
    auto *json = qobject_cast<QsciLexerJSON *>(lexer());
    if (!json)
        return;
    const QPalette p = palette();
    const QColor base = p.color(QPalette::Base), text = p.color(QPalette::Text);
    const bool dark = base.lightness() < 128;
    // Token colours of the same hues as QScintilla's light defaults, lighter on a dark base.
    const struct { int style; QColor light, dark; } tokens[] = {
        {QsciLexerJSON::Number, QColor(0x00, 0x7f, 0x7f), QColor(0x6f, 0xd6, 0xd6)},
        {QsciLexerJSON::String, QColor(0x7f, 0x00, 0x00), QColor(0xf0, 0x9a, 0x80)},
        {QsciLexerJSON::UnclosedString, QColor(0x7f, 0x00, 0x00), QColor(0xf0, 0x9a, 0x80)},
        {QsciLexerJSON::Property, QColor(0x88, 0x0a, 0xe8), QColor(0xc8, 0x9c, 0xff)},
        {QsciLexerJSON::EscapeSequence, QColor(0x0b, 0x98, 0x2e), QColor(0x7c, 0xe0, 0x8c)},
        {QsciLexerJSON::Keyword, QColor(0x18, 0x64, 0x4a), QColor(0x8c, 0xd8, 0xb8)},
        {QsciLexerJSON::Error, QColor(0xff, 0xff, 0xff), QColor(0xff, 0xff, 0xff)},
    };
    json->setDefaultPaper(base);
    json->setDefaultColor(text);
    json->setPaper(base, -1);
    json->setColor(text, -1);
    for (const auto &t : tokens)
        json->setColor(dark ? t.dark : t.light, t.style);
    json->setPaper(QColor(0xc0, 0x30, 0x30), QsciLexerJSON::Error);
    json->setColor(text, QsciLexerJSON::Operator);
    setCaretForegroundColor(text);
    setMarginsBackgroundColor(p.color(QPalette::Window));
    setMarginsForegroundColor(p.color(QPalette::WindowText));
    setFoldMarginColors(p.color(QPalette::Window), p.color(QPalette::Window));
    setSelectionBackgroundColor(p.color(QPalette::Highlight));
    setSelectionForegroundColor(p.color(QPalette::HighlightedText));
    setMatchedBraceBackgroundColor(p.color(QPalette::AlternateBase));
    setMatchedBraceForegroundColor(text);
}

void JsonEditor::replaceAllText(const QString &newText)
{
    if (newText == text())
        return;
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    beginUndoAction();
    selectAll();
    replaceSelectedText(newText);
    endUndoAction();
    setCursorPosition(qMin(line, lines() - 1), index);
}

void JsonEditor::clearProblems()
{
    const int end = int(SendScintilla(SCI_GETLENGTH));
    SendScintilla(SCI_SETINDICATORCURRENT, m_errorIndicator);
    SendScintilla(SCI_INDICATORCLEARRANGE, 0UL, static_cast<long>(end));
    SendScintilla(SCI_SETINDICATORCURRENT, m_warningIndicator);
    SendScintilla(SCI_INDICATORCLEARRANGE, 0UL, static_cast<long>(end));
    clearAnnotations();
    m_markedLines.clear();
}

void JsonEditor::mark(qsizetype start, qsizetype end, bool error, const QString &message)
{
    const QByteArray utf8 = textUtf8();
    start = qBound<qsizetype>(0, start, utf8.size());
    end = qBound<qsizetype>(start, end, utf8.size());
    // A value spanning lines (an object) is marked on its first line only.
    const qsizetype newline = utf8.indexOf('\n', start);
    if (newline >= 0 && newline < end)
        end = newline;
    if (end == start)
        end = qMin<qsizetype>(utf8.size(), start + 1);
    SendScintilla(SCI_SETINDICATORCURRENT, error ? m_errorIndicator : m_warningIndicator);
    SendScintilla(SCI_INDICATORFILLRANGE, static_cast<unsigned long>(start), static_cast<long>(end - start));
    const int line = int(SendScintilla(SCI_LINEFROMPOSITION, static_cast<unsigned long>(start)));
    m_markedLines.append(line);
    const QString previous = annotation(line);
    annotate(line, previous.isEmpty() ? message : previous + QLatin1Char('\n') + message, 0);
}

void JsonEditor::showProblems(const Problems &problems, const JsonLocator &locator)
{
    clearProblems();
    const QByteArray utf8 = textUtf8();
    for (const Problem &p : problems) {
        TextRange r = locator.valueRange(p.pointer);
        if (!p.innerPointer.isNull()) // inside a conf value: mark the exact part of the escaped JSON
            if (const TextRange inner = innerValueRange(utf8, r, p.innerPointer); inner.isValid())
                r = inner;
        if (r.isValid())
            mark(r.start, r.end, p.isError(), (p.isError() ? QStringLiteral("error: ") : QStringLiteral("warning: ")) + p.shown());
    }
}

void JsonEditor::showParseError(qsizetype offset, const QString &message)
{
    clearProblems();
    mark(offset, offset + 1, true, QStringLiteral("error: ") + message);
}

void JsonEditor::jumpTo(qsizetype byteOffset)
{
    SendScintilla(SCI_GOTOPOS, static_cast<unsigned long>(byteOffset));
    setFocus();
}
