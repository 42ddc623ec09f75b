#pragma once

#include <QtGlobal>

#include <cmath>
#include <limits>

// A JSON number as a whole number of type Int, truncated and clamped into Int's range (NaN gives 0). Casting
// an out-of-range double is undefined behaviour, and any number can come from a file or the Admin API.
template<typename Int>
Int clampedInt(double d)
{
    if (std::isnan(d))
        return 0;
    if (d <= double(std::numeric_limits<Int>::min()))
        return std::numeric_limits<Int>::min();
    if (d >= double(std::numeric_limits<Int>::max()))
        return std::numeric_limits<Int>::max();
    return Int(d);
}

// Whether a JSON number is a whole number that a qint64 holds exactly enough to write back as one.
inline bool isWholeNumber(double d)
{
    return std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18;
}
