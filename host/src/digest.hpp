#pragma once
// Hex digests through OpenSSL: SHA-256 (API key hashes, cache names) and HMAC-SHA256 (the
// signature of job webhooks).

#include <cstddef>
#include <string>

namespace switchboard {

std::string hex_of(const unsigned char* bytes, std::size_t size);
std::string sha256_hex(const std::string& text);
std::string hmac_sha256_hex(const std::string& key, const std::string& text);

}  // namespace switchboard
