#include "address_filter.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace switchboard {
namespace {

struct Range {
  const char* network;
  int bits;
};

// IANA IPv4 Special-Purpose Address Registry, with multicast and the reserved 240/4
// (which holds the limited broadcast address) beside it: none is a public host.
constexpr Range kIpv4[] = {
    {"0.0.0.0", 8},        // "this network"
    {"10.0.0.0", 8},       // private
    {"100.64.0.0", 10},    // shared address space (carrier-grade NAT)
    {"127.0.0.0", 8},      // loopback
    {"169.254.0.0", 16},   // link-local (cloud metadata services live here)
    {"172.16.0.0", 12},    // private
    {"192.0.0.0", 24},     // IETF protocol assignments
    {"192.0.2.0", 24},     // documentation (TEST-NET-1)
    {"192.31.196.0", 24},  // AS112-v4
    {"192.52.193.0", 24},  // AMT
    {"192.88.99.0", 24},   // deprecated 6to4 relay anycast
    {"192.168.0.0", 16},   // private
    {"192.175.48.0", 24},  // direct delegation AS112
    {"198.18.0.0", 15},    // benchmarking
    {"198.51.100.0", 24},  // documentation (TEST-NET-2)
    {"203.0.113.0", 24},   // documentation (TEST-NET-3)
    {"224.0.0.0", 4},      // multicast
    {"240.0.0.0", 4},      // reserved, and 255.255.255.255 broadcast
};

// Of IPv6, only global unicast space (2000::/3) holds the internet: everything outside it is
// reserved or special — unspecified, loopback and IPv4-compatible (::/96), local-use
// translation (64:ff9b:1::/48), discard-only (100::/64), SRv6 SIDs (5f00::/16), unique local
// (fc00::/7), link-local (fe80::/10), site-local (fec0::/10), multicast (ff00::/8). These are
// the IANA IPv6 Special-Purpose Address Registry's ranges inside it.
constexpr Range kGlobalUnicast = {"2000::", 3};
constexpr Range kIpv6[] = {
    {"2001::", 23},          // IETF protocol assignments: Teredo, benchmarking, ORCHID, AMT, …
    {"2001:db8::", 32},      // documentation
    {"2002::", 16},          // 6to4
    {"2620:4f:8000::", 48},  // direct delegation AS112
    {"3fff::", 20},          // documentation
};

using Ipv6 = std::array<std::uint8_t, 16>;

std::uint32_t ipv4_of(const char* text) {
  in_addr address{};
  inet_pton(AF_INET, text, &address);
  return ntohl(address.s_addr);
}

Ipv6 ipv6_of(const char* text) {
  Ipv6 address{};
  inet_pton(AF_INET6, text, address.data());
  return address;
}

bool in_ipv6_range(const Ipv6& address, const Ipv6& network, int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xFF : static_cast<std::uint8_t>(0xFF << (8 - bits));
    if ((address[i] & mask) != (network[i] & mask)) return false;
  }
  return true;
}

// The IPv4 address an IPv6 one stands for: IPv4-mapped ::ffff:a.b.c.d, SIIT-translated
// ::ffff:0:a.b.c.d and the NAT64 well-known prefix 64:ff9b::a.b.c.d.
std::optional<std::uint32_t> embedded_ipv4(const Ipv6& address) {
  static const Ipv6 kMapped = ipv6_of("::ffff:0:0");
  static const Ipv6 kTranslated = ipv6_of("::ffff:0:0:0");
  static const Ipv6 kNat64 = ipv6_of("64:ff9b::");
  if (!in_ipv6_range(address, kMapped, 96) && !in_ipv6_range(address, kTranslated, 96) &&
      !in_ipv6_range(address, kNat64, 96)) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(address[12]) << 24 | static_cast<std::uint32_t>(address[13]) << 16 |
         static_cast<std::uint32_t>(address[14]) << 8 | address[15];
}

}  // namespace

bool special_purpose_ipv4(std::uint32_t address) {
  static const auto ranges = [] {
    std::vector<std::pair<std::uint32_t, int>> out;
    for (const auto& range : kIpv4) out.emplace_back(ipv4_of(range.network), range.bits);
    return out;
  }();
  return std::any_of(ranges.begin(), ranges.end(), [address](const auto& range) {
    return (address >> (32 - range.second)) == (range.first >> (32 - range.second));
  });
}

bool special_purpose_ipv6(const Ipv6& address) {
  static const auto ranges = [] {
    std::vector<std::pair<Ipv6, int>> out;
    for (const auto& range : kIpv6) out.emplace_back(ipv6_of(range.network), range.bits);
    return out;
  }();
  static const Ipv6 kGlobal = ipv6_of(kGlobalUnicast.network);
  if (const auto ipv4 = embedded_ipv4(address)) return special_purpose_ipv4(*ipv4);
  if (!in_ipv6_range(address, kGlobal, kGlobalUnicast.bits)) return true;
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const auto& range) { return in_ipv6_range(address, range.first, range.second); });
}

bool special_purpose_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    return special_purpose_ipv4(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    Ipv6 bytes{};
    std::memcpy(bytes.data(), reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr.s6_addr, bytes.size());
    return special_purpose_ipv6(bytes);
  }
  return true;  // anything else is not the internet
}

bool special_purpose_address(std::string_view text) {
  const std::string address(text);
  in_addr ipv4{};
  if (inet_pton(AF_INET, address.c_str(), &ipv4) == 1) return special_purpose_ipv4(ntohl(ipv4.s_addr));
  Ipv6 ipv6{};
  if (inet_pton(AF_INET6, address.c_str(), ipv6.data()) == 1) return special_purpose_ipv6(ipv6);
  return true;
}

}  // namespace switchboard
