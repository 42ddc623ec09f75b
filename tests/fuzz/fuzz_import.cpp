// The importers: apisix.yaml, apisix.json, ADC and the admin-curl script (the first byte picks which one
// reads the rest), and a HAR capture read back.
#include "configimport.h"
#include "exchangeexport.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray text(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const ConfigImport::Format formats[] = {ConfigImport::Format::ApisixYaml, ConfigImport::Format::ApisixJson,
                                            ConfigImport::Format::Adc, ConfigImport::Format::AdminCurl};
    if (data[0] < 4 * 60) {
        const ConfigImport::Report report = ConfigImport::read(formats[data[0] % 4], text);
        ConfigImport::summary(report);
        if (!report.error.isEmpty() && report.count() != 0)
            std::abort(); // a file that cannot be read imports nothing
    } else {
        QString error;
        fromHarText(text, &error);
    }
    return 0;
}
