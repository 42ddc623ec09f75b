#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonValue>
#include <QList>
#include <QRegularExpression>

#include <functional>
#include <memory>
#include <optional>

// A route's `vars` as lua-resty-expr v1 compiles and evaluates them (api7/lua-resty-expr lib/resty/expr/v1.lua):
// a list of [var, op, value] rules that must all hold, or ["AND"|"OR"|"!AND"|"!OR", rule, rule, …] nested;
// [var, "!", op, value] negates; [var, value] means "==". Operators ==, ~=, >, <, >=, <=, ~~ (regex), ~*
// (regex, any case), in, has, ipmatch. A variable is a string or absent, as nginx's are.
class VarsExpr
{
public:
    using Lookup = std::function<std::optional<QByteArray>(QByteArrayView name)>;

    // The expression, or an error in lua-resty-expr's words ("invalid operator 'x'").
    static std::shared_ptr<const VarsExpr> compile(const QJsonArray &rules, QString *error);
    bool matches(const Lookup &var) const;

private:
    enum class Logic { None, And, Or, NotAnd, NotOr };
    struct Node
    {
        Logic logic = Logic::None; // None: a rule
        QList<Node> children;
        QByteArray var;
        QString op;
        QJsonValue value;
        QRegularExpression regex;
        QList<std::pair<QHostAddress, int>> subnets;
        bool reverse = false;
    };
    static std::optional<Node> compileNode(const QJsonArray &rules, QString *error);
    static std::optional<Node> compileRule(const QJsonArray &rule, QString *error);
    static bool eval(const Node &node, const Lookup &var);
    static bool compare(const Node &rule, const std::optional<QByteArray> &left);

    Node m_root;
    bool m_empty = true;
};
