#include "luacompile.h"

#include <lua.hpp>

#include <memory>

QString luaLoadProblem(const QByteArray &code, const QByteArray &chunkName)
{
    // A state without libraries, for the parser alone: nothing here calls what was loaded.
    const std::unique_ptr<lua_State, decltype(&lua_close)> state(luaL_newstate(), &lua_close);
    if (!state)
        return QStringLiteral("cannot start a Lua state to compile the code");
    const QByteArray name = chunkName.isNull() ? code : chunkName;
    if (luaL_loadbuffer(state.get(), code.constData(), size_t(code.size()), name.constData()) == 0)
        return {};
    size_t length = 0;
    const char *message = lua_tolstring(state.get(), -1, &length);
    return QString::fromUtf8(message, qsizetype(length));
}
