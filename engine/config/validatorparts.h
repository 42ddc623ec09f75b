#pragma once

// What the validators of each kind share (validator.cpp, validatorstored.cpp): APISIX's schema checker's
// wording, and the checks of fields several kinds have.
#include "problem.h"
#include "resourcekind.h"
#include "validator.h"

#include <QJsonObject>
#include <QStringList>

#include <functional>

namespace Validator::detail {

// An integer property whose schema sets no maximum: the largest a double holds exactly (2^53 - 1).
constexpr double kNoMaximum = 9007199254740991.0;

QString typeName(const QJsonValue &v); // as Lua names it: "table" for objects and arrays
bool isInteger(const QJsonValue &v);
// jsonschema's minLength / maxLength (maxLen 0: none): its words, or empty when `text` fits.
QString lengthProblem(const QString &text, int minLen, int maxLen);

// Collects problems under a base pointer, phrasing them the way APISIX's schema checker does.
class Checker
{
public:
    Checker(Problems &out, QString base, QString prefix)
        : m_out(out), m_base(std::move(base)), m_prefix(std::move(prefix)) {}

    void error(const QString &key, const QString &detail)
    {
        add(Problem::Severity::Error, key, QStringLiteral("property \"%1\" validation failed: %2").arg(key, detail));
    }
    // jsonschema's anyOf failing on `key`, with what failed inside as the hint.
    void noneMatches(const QString &key, const QString &hint)
    {
        m_out.append({Problem::Severity::Error, m_base + QLatin1Char('/') + pointerToken(key),
                      m_prefix + QStringLiteral("property \"%1\" validation failed: object matches none of the required").arg(key), QString(), hint});
    }
    void errorRaw(const QString &pointerSuffix, const QString &message, const QString &hint = {})
    {
        m_out.append({Problem::Severity::Error, m_base + pointerSuffix, m_prefix + message, QString(), hint});
    }
    void errorBare(const QString &pointerSuffix, const QString &message)
    {
        m_out.append({Problem::Severity::Error, m_base + pointerSuffix, message});
    }
    void warning(const QString &pointerSuffix, const QString &message)
    {
        m_out.append({Problem::Severity::Warning, m_base + pointerSuffix, message});
    }
    void wrongType(const QString &key, const QString &expected, const QJsonValue &v)
    {
        error(key, QStringLiteral("wrong type: expected %1, got %2").arg(expected, typeName(v)));
    }
    bool string(const QJsonObject &o, const QString &key, int minLen, int maxLen)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return false;
        if (!v.isString()) {
            wrongType(key, QStringLiteral("string"), v);
            return false;
        }
        if (const QString why = lengthProblem(v.toString(), minLen, maxLen); !why.isEmpty()) {
            error(key, why);
            return false;
        }
        return true;
    }
    bool integer(const QJsonObject &o, const QString &key, double min, double max)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return false;
        if (!isInteger(v)) {
            wrongType(key, QStringLiteral("integer"), v);
            return false;
        }
        const double d = v.toDouble();
        if (d < min)
            error(key, QStringLiteral("expected %1 to be at least %2").arg(d).arg(min));
        else if (d > max)
            error(key, QStringLiteral("expected %1 to be at most %2").arg(d).arg(max));
        else
            return true;
        return false;
    }
    bool number(const QJsonObject &o, const QString &key, double min)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return false;
        if (!v.isDouble())
            wrongType(key, QStringLiteral("number"), v);
        else if (v.toDouble() < min)
            error(key, QStringLiteral("expected %1 to be at least %2").arg(QString::number(v.toDouble()), QString::number(min)));
        else
            return true;
        return false;
    }
    // jsonschema's `required`: the first of `keys` that `o` lacks is the error. False when one is missing.
    bool required(const QJsonObject &o, std::initializer_list<const char *> keys)
    {
        for (const char *k : keys)
            if (!o.contains(QLatin1String(k))) {
                errorRaw(QString(), QStringLiteral("property \"%1\" is required").arg(QLatin1String(k)));
                return false;
            }
        return true;
    }
    void add(Problem::Severity s, const QString &key, const QString &message)
    {
        m_out.append({s, m_base + QLatin1Char('/') + pointerToken(key), m_prefix + message});
    }
    const QString &base() const { return m_base; }

private:
    Problems &m_out;
    QString m_base;
    QString m_prefix;
};

// An array of strings, each checked by `itemCheck` (its error, or empty); at least one, none twice, unless told.
void checkStringArray(Checker &c, const QJsonObject &o, const QString &key, const std::function<QString(const QString &)> &itemCheck,
                      bool nonEmptyUnique = true);
QString checkHost(const QString &s);
void checkLabels(Checker &c, const QJsonObject &o);
void checkEnum(Checker &c, const QJsonObject &o, const QString &key, const QStringList &allowed);
// `plugins` as apisix/admin/plugins.lua check_schema checks it; a consumer's (or a credential's) errors
// start "invalid plugins configuration: ", and its auth plugins are left to their consumer_schema.
void checkPlugins(Problems &out, Checker &c, const QJsonObject &o, const QStringList &customPlugins, bool consumer = false);
// A reference (`service_id`, `group_id`, ...): an id as id_schema takes it, to an object that exists.
void checkReference(Problems &out, Checker &c, const QJsonObject &o, const QString &key, ResourceKind kind, const Exists &exists);
void checkFields(Checker &c, const QJsonObject &o, const QStringList &known, const QStringList &notRun);
void requirePlugins(Checker &c, const QJsonObject &o);

} // namespace Validator::detail
