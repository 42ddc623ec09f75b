// The workspace loader: a workspace file's text, read, loaded into a config store and written back.
#include "configstore.h"
#include "workspace.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    Workspace::LoadResult loaded = Workspace::parse(QStringLiteral("/nonexistent/fuzz-workspace.json"), text);
    if (!loaded.error.isEmpty())
        return 0;
    ConfigStore store;
    store.setCustomPlugins(loaded.workspace.customPlugins());
    store.load(loaded.workspace.objects);
    loaded.workspace.keepRefused(store);
    loaded.workspace.takeConfigFrom(store);
    loaded.workspace.toJson();
    return 0;
}
