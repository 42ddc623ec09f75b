#include "schemacheck.h"

#include "validatorparts.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QRegularExpression>

#include <cmath>
#include <tuple>

using Validator::detail::isInteger;
using Validator::detail::lengthProblem;
using Validator::detail::typeName;

QString luaNumber(double d)
{
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
        return QString::number(static_cast<qint64>(d));
    return QString::number(d, 'g', 14);
}

namespace {

using Failure = std::optional<SchemaFailure>;

Failure fail(const QString &message, const QString &pointer = {})
{
    return SchemaFailure{message, pointer};
}

// The failure inside a part of the value, under the words that say which part.
Failure within(Failure inner, const QString &words, const QString &pointer)
{
    if (inner)
        inner = SchemaFailure{words + inner->message, pointer + inner->pointer};
    return inner;
}

bool hasType(const QJsonValue &v, const QString &type)
{
    if (type == QLatin1String("object")) // Lua has one type for both: an empty array is an empty object
        return v.isObject() || (v.isArray() && v.toArray().isEmpty());
    if (type == QLatin1String("array"))
        return v.isArray() || (v.isObject() && v.toObject().isEmpty());
    if (type == QLatin1String("string"))
        return v.isString();
    if (type == QLatin1String("number"))
        return v.isDouble();
    if (type == QLatin1String("integer"))
        return isInteger(v);
    if (type == QLatin1String("boolean"))
        return v.isBool();
    if (type == QLatin1String("null"))
        return v.isNull();
    return true;
}

Failure check(const QJsonValue &v, const QJsonObject &s);

Failure checkType(const QJsonValue &v, const QJsonObject &s)
{
    const QJsonValue type = s.value(QStringLiteral("type"));
    if (type.isString())
        return hasType(v, type.toString()) ? Failure() : fail(QStringLiteral("wrong type: expected %1, got %2").arg(type.toString(), typeName(v)));
    if (!type.isArray())
        return {};
    QStringList names;
    for (const QJsonValue &t : type.toArray()) {
        if (hasType(v, t.toString()))
            return {};
        names << t.toString();
    }
    return fail(QStringLiteral("wrong type: expected one of %1, got %2").arg(names.join(QStringLiteral(", ")), typeName(v)));
}

Failure checkString(const QString &text, const QJsonObject &s)
{
    if (const QString why = lengthProblem(text, s.value(QStringLiteral("minLength")).toInt(), s.value(QStringLiteral("maxLength")).toInt());
        !why.isEmpty())
        return fail(why);
    if (const QJsonValue pattern = s.value(QStringLiteral("pattern")); pattern.isString()) {
        const QRegularExpression re(pattern.toString());
        if (re.isValid() && !re.match(text).hasMatch())
            return fail(QStringLiteral("failed to match pattern \"%1\" with \"%2\"").arg(pattern.toString(), text));
    }
    return {};
}

// "ipv4" and "ipv6", as schema_def.lua's ip_def uses them.
Failure checkFormat(const QString &text, const QString &format)
{
    const QHostAddress address(text);
    const bool v4 = address.protocol() == QAbstractSocket::IPv4Protocol && text.count(QLatin1Char('.')) == 3;
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol && !text.contains(QLatin1Char('%'));
    if ((format == QLatin1String("ipv4") && !v4) || (format == QLatin1String("ipv6") && !v6))
        return fail(QStringLiteral("expect valid %1 format but got: %2").arg(format, text));
    return {};
}

Failure checkNumber(double d, const QJsonObject &s)
{
    const QString n = luaNumber(d);
    if (const QJsonValue min = s.value(QStringLiteral("minimum")); min.isDouble() && d < min.toDouble())
        return fail(QStringLiteral("expected %1 to be at least %2").arg(n, luaNumber(min.toDouble())));
    if (const QJsonValue max = s.value(QStringLiteral("maximum")); max.isDouble() && d > max.toDouble())
        return fail(QStringLiteral("expected %1 to be at most %2").arg(n, luaNumber(max.toDouble())));
    if (const QJsonValue min = s.value(QStringLiteral("exclusiveMinimum")); min.isDouble() && d <= min.toDouble())
        return fail(QStringLiteral("expected %1 to be greater than %2").arg(n, luaNumber(min.toDouble())));
    if (const QJsonValue max = s.value(QStringLiteral("exclusiveMaximum")); max.isDouble() && d >= max.toDouble())
        return fail(QStringLiteral("expected %1 to be smaller than %2").arg(n, luaNumber(max.toDouble())));
    return {};
}

// minProperties/maxProperties, minItems/maxItems: `count` of what `noun` has ("object", "properties").
Failure checkCount(qsizetype count, const QJsonObject &s, QLatin1StringView minKey, QLatin1StringView maxKey,
                   QLatin1StringView noun, QLatin1StringView members)
{
    if (const QJsonValue min = s.value(minKey); min.isDouble() && count < min.toInt())
        return fail(QStringLiteral("expect %1 to have at least %2 %3").arg(noun).arg(min.toInt()).arg(members));
    if (const QJsonValue max = s.value(maxKey); max.isDouble() && count > max.toInt())
        return fail(QStringLiteral("expect %1 to have at most %2 %3").arg(noun).arg(max.toInt()).arg(members));
    return {};
}

Failure checkObject(const QJsonObject &o, const QJsonObject &s)
{
    if (Failure f = checkCount(o.size(), s, QLatin1StringView("minProperties"), QLatin1StringView("maxProperties"),
                               QLatin1StringView("object"), QLatin1StringView("properties")))
        return f;
    const QJsonObject properties = s.value(QStringLiteral("properties")).toObject();
    const QJsonObject patterns = s.value(QStringLiteral("patternProperties")).toObject();
    const QJsonValue additional = s.value(QStringLiteral("additionalProperties"));
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString at = QLatin1Char('/') + pointerToken(it.key());
        bool matched = properties.contains(it.key());
        if (matched)
            if (Failure f = within(check(it.value(), properties.value(it.key()).toObject()), QStringLiteral("property \"%1\" validation failed: ").arg(it.key()), at))
                return f;
        for (auto p = patterns.begin(); p != patterns.end(); ++p) {
            if (!QRegularExpression(p.key()).match(it.key()).hasMatch())
                continue;
            matched = true;
            if (Failure f = within(check(it.value(), p.value().toObject()), QStringLiteral("failed to validate %1 (matching \"%2\"): ").arg(it.key(), p.key()), at))
                return f;
        }
        if (matched)
            continue;
        if (additional.isBool() && !additional.toBool())
            return fail(QStringLiteral("additional properties forbidden, found %1").arg(it.key()));
        if (additional.isObject())
            if (Failure f = within(check(it.value(), additional.toObject()), QStringLiteral("failed to validate additional property %1: ").arg(it.key()), at))
                return f;
    }
    const QJsonObject dependencies = s.value(QStringLiteral("dependencies")).toObject();
    for (auto it = dependencies.begin(); it != dependencies.end(); ++it) {
        if (!o.contains(it.key()))
            continue;
        QJsonObject dependent = it.value().toObject();
        if (it.value().isArray())
            dependent = QJsonObject{{QStringLiteral("required"), it.value()}};
        if (Failure f = within(check(o, dependent), QStringLiteral("failed to validate dependent schema for \"%1\": ").arg(it.key()), {}))
            return f;
    }
    return {};
}

Failure checkArray(const QJsonArray &a, const QJsonObject &s)
{
    if (Failure f = checkCount(a.size(), s, QLatin1StringView("minItems"), QLatin1StringView("maxItems"),
                               QLatin1StringView("array"), QLatin1StringView("items")))
        return f;
    if (s.value(QStringLiteral("uniqueItems")).toBool())
        for (int j = 1; j < a.size(); ++j)
            for (int i = 0; i < j; ++i)
                if (a[i] == a[j])
                    return fail(QStringLiteral("expected unique items but items %1 and %2 are equal").arg(i + 1).arg(j + 1));
    const QJsonValue items = s.value(QStringLiteral("items"));
    for (int i = 0; i < a.size(); ++i) {
        const QJsonObject itemSchema = items.isArray() ? items.toArray().at(i).toObject() : items.toObject();
        if (Failure f = within(check(a[i], itemSchema), QStringLiteral("failed to validate item %1: ").arg(i + 1), QStringLiteral("/%1").arg(i)))
            return f;
    }
    return {};
}

// anyOf of nothing but `required` lists names them: `object matches none of the required: ["a"] or ["b"]`.
QString noneOfRequired(const QJsonArray &alternatives)
{
    QStringList lists;
    for (const QJsonValue &alt : alternatives) {
        const QJsonObject o = alt.toObject();
        if (o.size() != 1 || !o.value(QStringLiteral("required")).isArray())
            return QStringLiteral("object matches none of the required");
        QStringList names;
        for (const QJsonValue &n : o.value(QStringLiteral("required")).toArray())
            names << QLatin1Char('"') + n.toString() + QLatin1Char('"');
        lists << QLatin1Char('[') + names.join(QLatin1Char(',')) + QLatin1Char(']');
    }
    return QStringLiteral("object matches none of the required: ") + lists.join(QStringLiteral(" or "));
}

Failure checkCombinations(const QJsonValue &v, const QJsonObject &s)
{
    const QJsonArray allOf = s.value(QStringLiteral("allOf")).toArray();
    for (int i = 0; i < allOf.size(); ++i)
        if (Failure f = within(check(v, allOf[i].toObject()), QStringLiteral("allOf %1 failed: ").arg(i + 1), {}))
            return f;
    if (const QJsonValue anyOf = s.value(QStringLiteral("anyOf")); anyOf.isArray()) {
        bool any = false;
        for (const QJsonValue &alt : anyOf.toArray())
            if ((any = !check(v, alt.toObject())))
                break;
        if (!any)
            return fail(noneOfRequired(anyOf.toArray()));
    }
    if (const QJsonValue oneOf = s.value(QStringLiteral("oneOf")); oneOf.isArray()) {
        QList<int> matching;
        const QJsonArray alts = oneOf.toArray();
        for (int i = 0; i < alts.size() && matching.size() < 2; ++i)
            if (!check(v, alts[i].toObject()))
                matching << i + 1;
        if (matching.isEmpty())
            return fail(QStringLiteral("value should match only one schema, but matches none"));
        if (matching.size() > 1)
            return fail(QStringLiteral("value should match only one schema, but matches both schemas %1 and %2").arg(matching[0]).arg(matching[1]));
    }
    if (const QJsonValue notSchema = s.value(QStringLiteral("not")); notSchema.isObject() && !check(v, notSchema.toObject()))
        return fail(QStringLiteral("value wasn't supposed to match schema"));
    if (const QJsonValue ifSchema = s.value(QStringLiteral("if")); ifSchema.isObject()) {
        const bool then = !check(v, ifSchema.toObject());
        const QString branch = then ? QStringLiteral("then") : QStringLiteral("else");
        if (const QJsonValue b = s.value(branch); b.isObject() && check(v, b.toObject()))
            return fail(branch + QStringLiteral(" clause did not match"));
    }
    return {};
}

// The object with its properties' defaults filled in, as APISIX's checker fills them before it goes on.
QJsonValue withDefaults(const QJsonValue &v, const QJsonObject &s)
{
    if (!v.isObject())
        return v;
    QJsonObject o = v.toObject();
    const QJsonObject properties = s.value(QStringLiteral("properties")).toObject();
    for (auto it = properties.begin(); it != properties.end(); ++it)
        if (const QJsonValue d = it.value().toObject().value(QStringLiteral("default")); !d.isUndefined() && !o.contains(it.key()))
            o.insert(it.key(), d);
    return o;
}

Failure check(const QJsonValue &given, const QJsonObject &s)
{
    if (Failure f = checkType(given, s))
        return f;
    if (given.isObject())
        for (const QJsonValue &key : s.value(QStringLiteral("required")).toArray())
            if (!given.toObject().contains(key.toString()))
                return fail(QStringLiteral("property \"%1\" is required").arg(key.toString()));
    const QJsonValue v = withDefaults(given, s);
    if (v.isString())
        if (Failure f = checkString(v.toString(), s))
            return f;
    if (v.isDouble())
        if (Failure f = checkNumber(v.toDouble(), s))
            return f;
    if (v.isObject())
        if (Failure f = checkObject(v.toObject(), s))
            return f;
    if (v.isArray())
        if (Failure f = checkArray(v.toArray(), s))
            return f;
    if (const QJsonValue e = s.value(QStringLiteral("enum")); e.isArray() && !e.toArray().contains(v))
        return fail(QStringLiteral("matches none of the enum values"));
    if (Failure f = checkCombinations(v, s))
        return f;
    if (const QString format = s.value(QStringLiteral("format")).toString(); v.isString() && !format.isEmpty())
        if (Failure f = checkFormat(v.toString(), format))
            return f;
    if (const QJsonValue c = s.value(QStringLiteral("const")); !c.isUndefined() && v != c)
        return fail(QStringLiteral("failed to check const value"));
    return {};
}

} // namespace

namespace {
QString listProblem(const QJsonValue &v, const char *iterator) // what Lua's ipairs/pairs say of a non-table
{
    if (v.isUndefined() || v.isArray() || v.isObject())
        return {};
    return QStringLiteral("bad argument #1 to '%1' (table expected, got %2)").arg(QLatin1String(iterator), typeName(v));
}

QString typeProblem(const QJsonValue &type)
{
    static const QStringList known = {"object", "array", "table", "integer", "string", "boolean", "number", "null", "function"};
    if (type.isString())
        return known.contains(type.toString()) ? QString() : QStringLiteral("invalid JSON type: ") + type.toString();
    if (type.isArray()) {
        for (const QJsonValue t : type.toArray())
            if (const QString problem = typeProblem(t.isString() ? t : QJsonValue(typeName(t))); !problem.isEmpty())
                return problem;
        return {};
    }
    return type.isUndefined() ? QString() : QStringLiteral("invalid \"type\" type: got ") + typeName(type);
}
} // namespace

QString schemaDefinitionProblem(const QJsonValue &schema)
{
    if (schema.isBool())
        return {};
    if (!schema.isObject())
        return QStringLiteral("attempt to index local 'schema' (a %1 value)").arg(typeName(schema));
    const QJsonObject s = schema.toObject();
    if (const QString problem = typeProblem(s.value(QStringLiteral("type"))); !problem.isEmpty())
        return problem;
    // In the order jsonschema's generator reaches them: the lists it walks, and the schemas inside.
    const auto within = [&s](const char *key, const char *iterator, bool schemas) {
        const QJsonValue v = s.value(QLatin1String(key));
        if (const QString problem = listProblem(v, iterator); !problem.isEmpty() || !schemas)
            return problem;
        const QJsonObject map = v.toObject();
        QList<QJsonValue> subs(map.begin(), map.end());
        for (const QJsonValue item : v.toArray())
            subs << item;
        for (const QJsonValue &sub : std::as_const(subs))
            if (const QString problem = schemaDefinitionProblem(sub); !problem.isEmpty())
                return problem;
        return QString();
    };
    for (const auto &[key, iterator, schemas] : {std::tuple("required", "ipairs", false), std::tuple("properties", "pairs", true),
                                                 std::tuple("patternProperties", "pairs", true), std::tuple("items", "ipairs", true),
                                                 std::tuple("enum", "ipairs", false), std::tuple("allOf", "ipairs", true),
                                                 std::tuple("anyOf", "ipairs", true), std::tuple("oneOf", "ipairs", true)}) {
        const QJsonValue v = s.value(QLatin1String(key));
        if (QLatin1String(key) == QLatin1String("items") && v.isObject()) { // one schema for every item
            if (const QString problem = schemaDefinitionProblem(v); !problem.isEmpty())
                return problem;
        } else if (const QString problem = within(key, iterator, schemas); !problem.isEmpty()) {
            return problem;
        }
    }
    for (const char *key : {"additionalProperties", "if", "then", "else", "not"})
        if (const QJsonValue v = s.value(QLatin1String(key)); v.isObject())
            if (const QString problem = schemaDefinitionProblem(v); !problem.isEmpty())
                return problem;
    return {};
}

std::optional<SchemaFailure> checkAgainstSchema(const QJsonValue &value, const QJsonObject &schema)
{
    return check(value, schema);
}
