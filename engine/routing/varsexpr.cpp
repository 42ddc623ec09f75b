#include "varsexpr.h"

namespace {
const QStringList kOperators = {"==", "~=", ">", ">=", "<", "<=", "~~", "~*", "in", "has", "ipmatch"};

// Lua's tonumber() on a string, for the comparisons (decimal, exponent, 0x hex, surrounding spaces).
std::optional<double> luaNumber(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toDouble();
    if (!v.isString())
        return std::nullopt;
    const QString s = v.toString().trimmed();
    bool ok = false;
    if (s.startsWith(QLatin1String("0x"), Qt::CaseInsensitive) || s.startsWith(QLatin1String("-0x"), Qt::CaseInsensitive)) {
        const qlonglong n = s.toLongLong(&ok, 16);
        return ok ? std::optional<double>(double(n)) : std::nullopt;
    }
    const double d = s.toDouble(&ok);
    return ok ? std::optional<double>(d) : std::nullopt;
}

// Lua's ==: values of different types are never equal; nil (absent, JSON null) equals nil.
bool luaEqual(const std::optional<QByteArray> &left, const QJsonValue &right)
{
    if (right.isNull() || right.isUndefined())
        return !left;
    return left && right.isString() && right.toString() == QString::fromUtf8(*left);
}

QString luaTypeName(const QJsonValue &v)
{
    return v.isString() ? QStringLiteral("string") : v.isDouble() ? QStringLiteral("number") : v.isBool() ? QStringLiteral("boolean")
         : v.isNull() ? QStringLiteral("nil") : QStringLiteral("table");
}
} // namespace

std::shared_ptr<const VarsExpr> VarsExpr::compile(const QJsonArray &rules, QString *error)
{
    auto out = std::make_shared<VarsExpr>();
    if (rules.isEmpty())
        return out; // an empty expression: always true
    if (!rules.first().isArray()) {
        const QString op = rules.first().toString().toUpper();
        if (op != QLatin1String("AND") && op != QLatin1String("OR") && op != QLatin1String("!AND") && op != QLatin1String("!OR")) {
            *error = QStringLiteral("rule should be wrapped inside brackets");
            return nullptr;
        }
    }
    std::optional<Node> root = compileNode(rules, error);
    if (!root)
        return nullptr;
    out->m_root = std::move(*root);
    out->m_empty = false;
    return out;
}

std::optional<VarsExpr::Node> VarsExpr::compileNode(const QJsonArray &rules, QString *error)
{
    if (rules.isEmpty()) {
        *error = QStringLiteral("rule too short");
        return std::nullopt;
    }
    Node node;
    node.logic = Logic::And;
    qsizetype from = 0;
    if (!rules.first().isArray()) {
        const QString op = rules.first().isString() ? rules.first().toString().toUpper() : QString();
        if (op == QLatin1String("AND") || op == QLatin1String("OR") || op == QLatin1String("!AND") || op == QLatin1String("!OR")) {
            node.logic = op == QLatin1String("AND") ? Logic::And : op == QLatin1String("OR") ? Logic::Or
                       : op == QLatin1String("!AND") ? Logic::NotAnd : Logic::NotOr;
            if (rules.size() <= 2) {
                *error = QStringLiteral("rule too short");
                return std::nullopt;
            }
            from = 1;
        } else {
            return compileRule(rules, error);
        }
    }
    for (qsizetype i = from; i < rules.size(); ++i) {
        std::optional<Node> child = compileNode(rules.at(i).toArray(), error);
        if (!child)
            return std::nullopt;
        node.children.append(std::move(*child));
    }
    return node;
}

std::optional<VarsExpr::Node> VarsExpr::compileRule(const QJsonArray &rule, QString *error)
{
    Node node;
    QJsonValue left, op, right;
    if (rule.size() == 4) {
        if (rule.at(1) != QJsonValue(QStringLiteral("!"))) {
            *error = QStringLiteral("bad 'not' expression");
            return std::nullopt;
        }
        node.reverse = true;
        left = rule.at(0), op = rule.at(2), right = rule.at(3);
    } else {
        left = rule.at(0), op = rule.at(1), right = rule.size() > 2 ? rule.at(2) : QJsonValue(QJsonValue::Undefined);
    }
    QString opText = op.isString() ? op.toString().toLower() : op.isDouble() ? QString::number(op.toDouble()) : QString();
    if (right.isUndefined() && !kOperators.contains(opText)) { // [var, value]: ==
        if (op.isUndefined() || op.isNull()) {
            *error = QStringLiteral("invalid expression");
            return std::nullopt;
        }
        right = op;
        opText = QStringLiteral("==");
    }
    if (left.isUndefined() || left.isNull() || opText.isEmpty()) {
        *error = QStringLiteral("invalid expression");
        return std::nullopt;
    }
    if (!kOperators.contains(opText)) {
        *error = QStringLiteral("invalid operator '%1'").arg(opText);
        return std::nullopt;
    }
    node.var = left.isString() ? left.toString().toUtf8() : QByteArray::number(left.toDouble());
    node.op = opText;
    node.value = right;
    if (opText == QLatin1String("~~") || opText == QLatin1String("~*")) // (a pattern that does not compile never matches, as ngx.re.find fails)
        node.regex = QRegularExpression(right.toString(), opText == QLatin1String("~*") ? QRegularExpression::CaseInsensitiveOption
                                                                                       : QRegularExpression::NoPatternOption);
    if (opText == QLatin1String("ipmatch")) {
        const QJsonArray list = right.isArray() ? right.toArray() : QJsonArray{right};
        if ((right.isString() && right.toString().isEmpty()) || right.isUndefined() || right.isNull() || list.isEmpty()) {
            *error = QStringLiteral("invalid ip address");
            return std::nullopt;
        }
        for (const QJsonValue &v : list) {
            const QString text = v.toString();
            std::pair<QHostAddress, int> net = text.contains(QLatin1Char('/')) ? QHostAddress::parseSubnet(text)
                                                                               : std::pair<QHostAddress, int>{QHostAddress(text), -1};
            if (net.first.isNull()) {
                *error = QStringLiteral("invalid ip address: %1").arg(v.isString() ? text : luaTypeName(v));
                return std::nullopt;
            }
            if (net.second < 0)
                net.second = net.first.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32;
            node.subnets.append(net);
        }
    }
    return node;
}

bool VarsExpr::matches(const Lookup &var) const
{
    return m_empty || eval(m_root, var);
}

bool VarsExpr::eval(const Node &node, const Lookup &var)
{
    if (node.logic == Logic::None)
        return compare(node, var(node.var)) != node.reverse;
    const bool any = node.logic == Logic::Or || node.logic == Logic::NotOr;
    bool result = !any;
    for (const Node &child : node.children) {
        if (eval(child, var) == any) {
            result = any;
            break;
        }
    }
    return node.logic == Logic::NotAnd || node.logic == Logic::NotOr ? !result : result;
}

bool VarsExpr::compare(const Node &rule, const std::optional<QByteArray> &left)
{
    const QString &op = rule.op;
    const QJsonValue &right = rule.value;
    const QJsonValue leftValue = left ? QJsonValue(QString::fromUtf8(*left)) : QJsonValue(QJsonValue::Null);
    if (op == QLatin1String("==") || op == QLatin1String("~=")) {
        bool equal;
        if (right.isDouble()) {
            const std::optional<double> l = luaNumber(leftValue);
            if (!l)
                return op == QLatin1String("~=");
            equal = *l == right.toDouble();
        } else {
            equal = luaEqual(left, right);
        }
        return op == QLatin1String("==") ? equal : !equal;
    }
    if (op == QLatin1String(">") || op == QLatin1String(">=") || op == QLatin1String("<") || op == QLatin1String("<=")) {
        const std::optional<double> l = luaNumber(leftValue), r = luaNumber(right);
        if (!l || !r)
            return false;
        return op == QLatin1String(">") ? *l > *r : op == QLatin1String(">=") ? *l >= *r : op == QLatin1String("<") ? *l < *r : *l <= *r;
    }
    if (op == QLatin1String("~~") || op == QLatin1String("~*"))
        return left && rule.regex.isValid() && rule.value.isString() && rule.regex.match(QString::fromUtf8(*left)).hasMatch();
    if (op == QLatin1String("in")) {
        if (!right.isArray())
            return false;
        for (const QJsonValue &v : right.toArray())
            if (left && luaEqual(left, v))
                return true;
        return false;
    }
    if (op == QLatin1String("has"))
        return false; // the left side must be a table; nginx variables are strings
    // ipmatch
    const QHostAddress address(QString::fromUtf8(left.value_or(QByteArray())));
    if (address.isNull())
        return false;
    for (const auto &[net, bits] : rule.subnets)
        if (address.isInSubnet(net, bits))
            return true;
    return false;
}
