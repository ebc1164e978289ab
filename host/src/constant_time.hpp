#pragma once
// Comparison of secrets whose time does not depend on where they differ.

#include <string_view>

#include <openssl/crypto.h>

namespace switchboard {

inline bool constant_time_equals(std::string_view given, std::string_view expected) noexcept {
  if (given.size() != expected.size() || expected.empty()) return false;
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace switchboard
