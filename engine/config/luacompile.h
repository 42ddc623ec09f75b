#pragma once

#include <QByteArray>
#include <QString>

// Whether Lua code compiles as APISIX's loadstring compiles it (LuaJIT's own parser; the code is never
// run): empty, or LuaJIT's message, e.g. `[string "return function(vars) "]:1: 'end' expected near '<eof>'`.
// `chunkName` names the chunk in the message; without one the code itself does, as loadstring(code) has it.
QString luaLoadProblem(const QByteArray &code, const QByteArray &chunkName = {});
