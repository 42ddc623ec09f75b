#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

// Checks a value against a JSON Schema (draft 7, the keywords APISIX's plugin schemas use) as APISIX's
// schema checker (api7/jsonschema) does: it stops at the first failure and words it as that checker does,
// e.g. `property "count" validation failed: expected 0 to be greater than 0`.
struct SchemaFailure
{
    QString message;
    QString pointer; // where in the value, as a JSON Pointer ("" for the value itself)
    QString hint = {}; // what APISIX only logs beside the message (Problem::hint)
};

std::optional<SchemaFailure> checkAgainstSchema(const QJsonValue &value, const QJsonObject &schema);

// Whether a schema given in a conf (request-validation's body_schema) is one that APISIX's checker can
// build a validator from (core.schema.valid): empty, or the Lua error it raises, e.g. `invalid JSON type:
// test`, `bad argument #1 to 'ipairs' (table expected, got string)`.
QString schemaDefinitionProblem(const QJsonValue &schema);

// A number as Lua's tostring writes it: 3, 0.5, 1e+20.
QString luaNumber(double d);
