#include "jsonpath.h"

#include <QByteArray>

#include <cctype>

namespace {

// A recogniser of lua-jsonpath's PEG grammar: each rule takes a position and gives the position after what
// it matched, or kFail. As in a PEG, a choice takes its first alternative that matches, a repetition is
// greedy, and a sequence that fails part-way gives nothing back (the caller tries from where it was).
class Grammar
{
public:
    static constexpr int kFail = -1;
    explicit Grammar(QByteArray text) : s(std::move(text)) {}

    int path(int p) const // JSONPATH, with the spaces around it
    {
        p = child1(spaces(p));
        if (p == kFail)
            return kFail;
        for (int next; (next = childN(p)) != kFail;)
            p = next;
        return spaces(p);
    }

private:
    char at(int p) const { return p < s.size() ? s[p] : '\0'; }
    bool isDigit(int p) const { return std::isdigit(uchar(at(p))); }
    int literal(int p, const char *word) const
    {
        for (; *word; ++word, ++p)
            if (at(p) != *word)
                return kFail;
        return p;
    }
    int anyCase(int p, const char *word) const
    {
        for (; *word; ++word, ++p)
            if (std::tolower(uchar(at(p))) != *word)
                return kFail;
        return p;
    }
    int spaces(int p) const
    {
        while (at(p) == ' ' || at(p) == '\t' || at(p) == '\n')
            ++p;
        return p;
    }
    // Then optional spaces, as most of the grammar's tokens take them.
    int token(int p) const { return p == kFail ? kFail : spaces(p); }
    int digits(int p) const
    {
        const int start = p;
        while (isDigit(p))
            ++p;
        return p > start ? p : kFail;
    }
    int sign(int p) const { return at(p) == '+' || at(p) == '-' ? p + 1 : p; }

    int identifier(int p) const // [A-Za-z_][A-Za-z0-9_]*
    {
        if (!(std::isalpha(uchar(at(p))) || at(p) == '_'))
            return kFail;
        while (std::isalnum(uchar(at(p))) || at(p) == '_')
            ++p;
        return p;
    }
    int childIndex(int p) const { return token(digits(sign(p))); }
    int childName(int p) const
    {
        if (const int q = childIndex(p); q != kFail)
            return q;
        if (const int q = identifier(p); q != kFail)
            return spaces(q);
        return at(p) == '*' ? p + 1 : kFail;
    }
    int stringLiteral(int p) const // '…' or "…", a backslash taking the next character
    {
        const char quote = at(p);
        if (quote != '\'' && quote != '"')
            return kFail;
        for (++p; p < s.size() && at(p) != quote; ++p)
            if (at(p) == '\\')
                ++p;
        return p < s.size() ? spaces(p + 1) : kFail;
    }
    int numberLiteral(int p) const
    {
        if (at(p) == '0' && (at(p + 1) == 'x' || at(p + 1) == 'X')) {
            int q = p + 2;
            while (std::isxdigit(uchar(at(q))))
                ++q;
            if (q > p + 2)
                return spaces(q);
        }
        int q = sign(p);
        if (const int whole = digits(q); whole != kFail && at(whole) == '.') {
            q = whole + 1;
            while (isDigit(q))
                ++q;
        } else {
            q = digits(at(q) == '.' ? q + 1 : q);
            if (q == kFail)
                return kFail;
        }
        if (at(q) == 'e' || at(q) == 'E')
            if (const int e = digits(sign(q + 1)); e != kFail)
                q = e;
        return spaces(q);
    }
    int booleanLiteral(int p) const
    {
        const int q = anyCase(p, "true");
        return token(q != kFail ? q : anyCase(p, "false"));
    }

    int child1(int p) const
    {
        if (at(p) == '$') {
            const int dots = at(p + 1) == '.' ? (at(p + 2) == '.' ? p + 3 : p + 2) : kFail;
            if (const int q = dots == kFail ? kFail : childName(dots); q != kFail)
                return q;
            if (const int q = subscript(p + 1); q != kFail)
                return q;
            return p + 1;
        }
        const int q = subscript(p);
        return q != kFail ? q : childName(p);
    }
    int childN(int p) const
    {
        if (at(p) == '.') {
            const bool two = at(p + 1) == '.';
            if (const int q = childName(two ? p + 2 : p + 1); q != kFail)
                return q;
            if (two)
                if (const int q = subscript(p + 2); q != kFail)
                    return q;
        }
        return subscript(p);
    }
    int subscript(int p) const // '[' CHILD_SUBSCRIPT_EXPR ']'
    {
        if (at(p) != '[')
            return kFail;
        for (int (Grammar::*rule)(int) const : {&Grammar::all, &Grammar::unionOf, &Grammar::slice, &Grammar::filter})
            if (const int q = (this->*rule)(p + 1); q != kFail)
                return at(q) == ']' ? q + 1 : kFail;
        return kFail;
    }
    int all(int p) const { return at(p) == '*' ? p + 1 : kFail; }
    int unionOf(int p) const
    {
        if (int q = unionItem(p); q != kFail) {
            for (int next; at(q) == ',' && (next = unionItem(spaces(q + 1))) != kFail;)
                q = next;
            return q;
        }
        if (at(p) != '(')
            return kFail;
        const int q = expression(spaces(p + 1));
        return q != kFail && at(q) == ')' ? q + 1 : kFail;
    }
    int unionItem(int p) const
    {
        if (const int q = slice(p); q != kFail)
            return q;
        if (const int q = stringLiteral(p); q != kFail)
            return q;
        return childIndex(p);
    }
    int slice(int p) const // [start] ':' [end] [':' step]
    {
        if (const int q = childIndex(p); q != kFail)
            p = q;
        if (at(p) != ':')
            return kFail;
        p = spaces(p + 1);
        if (const int q = childIndex(p); q != kFail)
            p = q;
        if (at(p) == ':')
            if (const int q = childIndex(spaces(p + 1)); q != kFail)
                p = q;
        return p;
    }
    int filter(int p) const // '?(' EXPR ')'
    {
        if (at(p) != '?' || at(p + 1) != '(')
            return kFail;
        const int q = expression(spaces(p + 2));
        return q != kFail && at(q) == ')' ? q + 1 : kFail;
    }

    // EXPR: operands joined by operators, the lowest precedence first (level 1: OR, 2: AND, 3: equality,
    // 4: comparison, 5: + -, 6: * / %); an operator whose right operand fails is left unmatched.
    int expression(int p, int level = 1) const
    {
        p = level == 6 ? fact(p) : expression(p, level + 1);
        while (p != kFail) {
            const int op = token(binaryOperator(p, level));
            const int rhs = op == kFail ? kFail : (level == 6 ? fact(op) : expression(op, level + 1));
            if (rhs == kFail)
                break;
            p = rhs;
        }
        return p;
    }
    int binaryOperator(int p, int level) const
    {
        const auto first = [&](std::initializer_list<const char *> ops) {
            for (const char *op : ops)
                if (const int q = level == 1 || level == 2 ? anyCase(p, op) : literal(p, op); q != kFail)
                    return q;
            return kFail;
        };
        switch (level) {
        case 1: return first({"or", "||"});
        case 2: return first({"and", "&&"});
        case 3: return first({"==", "=", "!=", "<>"});
        case 4: return first({"<=", ">=", "<", ">"});
        case 5: return first({"+", "-"});
        default: return first({"*", "/", "%"});
        }
    }
    int fact(int p) const
    {
        for (int (Grammar::*rule)(int) const : {&Grammar::stringLiteral, &Grammar::numberLiteral, &Grammar::booleanLiteral, &Grammar::variable})
            if (const int q = (this->*rule)(p); q != kFail)
                return q;
        if (at(p) != '(')
            return kFail;
        const int q = expression(spaces(p + 1));
        return q != kFail && at(q) == ')' ? spaces(q + 1) : kFail;
    }
    int variable(int p) const // @.length, @.a.b, @['a']
    {
        if (at(p) != '@')
            return kFail;
        if (const int q = literal(p, "@.length"); q != kFail) // var_length, before (and instead of) a member
            return spaces(q);
        if (at(p + 1) == '.') {
            int q = identifier(p + 2);
            for (int next; q != kFail && at(q) == '.' && (next = identifier(q + 1)) != kFail;)
                q = next;
            return token(q);
        }
        if (at(p + 1) != '[')
            return kFail;
        const int q = stringLiteral(spaces(p + 2));
        return q != kFail && at(q) == ']' ? spaces(q + 1) : kFail;
    }

    const QByteArray s;
};

} // namespace

QString jsonPathProblem(const QString &path)
{
    const QByteArray text = path.toUtf8();
    const int end = Grammar(text).path(0);
    if (end == Grammar::kFail)
        return QStringLiteral("invalid expression \"%1\"").arg(path);
    if (end != text.size())
        return QStringLiteral("invalid expression \"%1\" near \"%2\"").arg(path, QString::fromUtf8(text.mid(end)));
    return {};
}
