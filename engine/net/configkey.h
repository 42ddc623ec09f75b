#pragma once

#include <QHash>

// A hash key that comes from the configuration (a route's uri or host, an upstream node's address or
// identity, a conf token's key), hashed without Qt's per-process seed. Qt 6.4 hashes a seeded key with
// SipHash, about 117 ns for a two-byte key on the benchmark machine, and an unseeded one with murmur,
// about 4 ns; the proxy looks up several such keys per request (tests/bench/proxy_vs_nginx.sh). The seed
// guards a table against keys an attacker chooses; these tables only ever hold configured keys, a request's
// text is only looked up in them, so a lookup costs at most one bucket's chain.
template <typename T>
struct ConfigKey
{
    T value;

    friend bool operator==(const ConfigKey &a, const ConfigKey &b) noexcept { return a.value == b.value; }
    friend size_t qHash(const ConfigKey &key, size_t seed) noexcept { return qHash(key.value, 0) ^ seed; }
};
