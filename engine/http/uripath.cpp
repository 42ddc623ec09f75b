#include "uripath.h"

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

std::optional<QByteArray> normalizeUriPath(const QByteArray &rawPath)
{
    // Nearly every path is normal already: no escape, no empty or dot segment. It is shared, not copied.
    bool normal = rawPath.startsWith('/');
    for (qsizetype i = 0; normal && i < rawPath.size(); ++i) {
        const char c = rawPath[i];
        normal = c != '%' && !(c == '/' && i + 1 < rawPath.size() && (rawPath[i + 1] == '/' || rawPath[i + 1] == '.'));
    }
    if (normal)
        return rawPath;
    // Decode first: nginx's parser goes back to its path states with the decoded character, so an
    // escaped dot or slash counts as one ("/%2e%2e/", "/a%2fb").
    QByteArray decoded;
    decoded.reserve(rawPath.size());
    for (qsizetype i = 0; i < rawPath.size(); ++i) {
        const char c = rawPath[i];
        if (c != '%') {
            decoded += c;
            continue;
        }
        if (i + 2 >= rawPath.size())
            return std::nullopt; // "%" or "%x" at the end
        const int h = hexValue(rawPath[i + 1]);
        const int l = hexValue(rawPath[i + 2]);
        if (h < 0 || l < 0)
            return std::nullopt;
        const char byte = char(h * 16 + l);
        if (byte == '\0')
            return std::nullopt;
        decoded += byte;
        i += 2;
    }
    if (!decoded.startsWith('/'))
        return std::nullopt;
    // Then the segments.
    QByteArray out;
    out.reserve(decoded.size());
    qsizetype i = 0;
    while (i < decoded.size()) {
        // decoded[i] == '/': merge the run of slashes into one
        while (i < decoded.size() && decoded[i] == '/')
            ++i;
        qsizetype end = decoded.indexOf('/', i);
        if (end < 0)
            end = decoded.size();
        const QByteArrayView segment(decoded.constData() + i, end - i);
        const bool last = end == decoded.size();
        if (segment == ".") {
            if (last)
                out += '/';
        } else if (segment == "..") {
            if (out.isEmpty())
                return std::nullopt; // above the root
            out.truncate(out.lastIndexOf('/'));
            if (last)
                out += '/';
        } else if (!segment.isEmpty()) {
            out += '/';
            out += segment;
        } else if (last) {
            out += '/'; // a trailing slash is kept
        }
        i = end;
    }
    if (out.isEmpty())
        out = "/";
    return out;
}
