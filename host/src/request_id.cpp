#include <switchboard/request_id.hpp>

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace switchboard {
namespace {

// Bytes from OpenSSL's generator, drawn a page at a time per thread: one RAND_bytes call
// costs about as much for 4 KiB as for 16 bytes, and ids are made for every request. (The
// process never forks after start, so no two processes share a page.)
template <std::size_t N>
std::array<unsigned char, N> random_bytes() {
  static_assert(N <= 4096);
  thread_local std::array<unsigned char, 4096> page{};
  thread_local std::size_t used = page.size();
  if (used + N > page.size()) {
    if (RAND_bytes(page.data(), static_cast<int>(page.size())) != 1) {
      // OpenSSL's generator failing is exceptional; fall back to the OS generator.
      std::random_device device;
      for (auto& b : page) b = static_cast<unsigned char>(device());
    }
    used = 0;
  }
  std::array<unsigned char, N> bytes{};
  std::copy_n(page.begin() + static_cast<std::ptrdiff_t>(used), N, bytes.begin());
  std::fill_n(page.begin() + static_cast<std::ptrdiff_t>(used), N, 0);  // each byte is handed out once
  used += N;
  return bytes;
}

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

bool is_acceptable_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string accept_or_generate_request_id(const std::optional<std::string>& from_client) {
  if (from_client && is_acceptable_request_id(*from_client)) return *from_client;
  auto bytes = random_bytes<16>();
  std::string id = "req_";
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  return id;
}

std::string new_uuid() {
  auto bytes = random_bytes<16>();
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

}  // namespace switchboard
