#pragma once
// Which addresses a webhook may connect to: none of the IANA IPv4 and IPv6 Special-Purpose
// Address Registries (RFC 6890 and its updates: this network, loopback, private, shared,
// link-local, documentation, benchmarking, protocol assignments, 6to4, Teredo, unique
// local, …), nor multicast, broadcast or reserved space (for IPv6, anything outside
// 2000::/3) — only addresses of the public internet. IPv6 forms that carry an IPv4 address (IPv4-mapped, SIIT, the
// NAT64 well-known prefix) are judged by the IPv4 address they carry.

#include <array>
#include <cstdint>
#include <string_view>

struct sockaddr;

namespace switchboard {

// `address` in network byte order as numbers: 10.1.2.3 is 0x0A010203.
bool special_purpose_ipv4(std::uint32_t address);
bool special_purpose_ipv6(const std::array<std::uint8_t, 16>& address);

// An address about to be connected to; anything but IPv4 and IPv6 counts as special.
bool special_purpose_address(const sockaddr* address);

// An address written as text ("198.18.0.1", "2001:db8::1"); text that is not an address
// counts as special.
bool special_purpose_address(std::string_view text);

}  // namespace switchboard
