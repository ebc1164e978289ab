// The webhook address filter: every range of the IANA special-purpose registries is refused,
// from its first address to its last, and the addresses just outside it are not.
#include "jobs/address_filter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace switchboard {
namespace {

struct Edges {
  const char* before;  // just below the range ("" when the range starts the space)
  const char* first;
  const char* last;
  const char* after;  // just above it ("" when the range ends the space or meets another)
};

void expect_refused_range(const Edges& range) {
  EXPECT_TRUE(special_purpose_address(range.first)) << range.first;
  EXPECT_TRUE(special_purpose_address(range.last)) << range.last;
  if (*range.before) {
    EXPECT_FALSE(special_purpose_address(range.before)) << range.before;
  }
  if (*range.after) {
    EXPECT_FALSE(special_purpose_address(range.after)) << range.after;
  }
}

TEST(AddressFilter, EveryIpv4SpecialPurposeRangeIsRefusedEdgeToEdge) {
  const Edges ranges[] = {
      {"", "0.0.0.0", "0.255.255.255", "1.0.0.0"},
      {"9.255.255.255", "10.0.0.0", "10.255.255.255", "11.0.0.0"},
      {"100.63.255.255", "100.64.0.0", "100.127.255.255", "100.128.0.0"},
      {"126.255.255.255", "127.0.0.0", "127.255.255.255", "128.0.0.0"},
      {"169.253.255.255", "169.254.0.0", "169.254.255.255", "169.255.0.0"},
      {"172.15.255.255", "172.16.0.0", "172.31.255.255", "172.32.0.0"},
      {"191.255.255.255", "192.0.0.0", "192.0.0.255", "192.0.1.0"},
      {"192.0.1.255", "192.0.2.0", "192.0.2.255", "192.0.3.0"},
      {"192.31.195.255", "192.31.196.0", "192.31.196.255", "192.31.197.0"},
      {"192.52.192.255", "192.52.193.0", "192.52.193.255", "192.52.194.0"},
      {"192.88.98.255", "192.88.99.0", "192.88.99.255", "192.88.100.0"},
      {"192.167.255.255", "192.168.0.0", "192.168.255.255", "192.169.0.0"},
      {"192.175.47.255", "192.175.48.0", "192.175.48.255", "192.175.49.0"},
      {"198.17.255.255", "198.18.0.0", "198.19.255.255", "198.20.0.0"},
      {"198.51.99.255", "198.51.100.0", "198.51.100.255", "198.51.101.0"},
      {"203.0.112.255", "203.0.113.0", "203.0.113.255", "203.0.114.0"},
      {"223.255.255.255", "224.0.0.0", "239.255.255.255", ""},  // multicast, then reserved
      {"", "240.0.0.0", "255.255.255.254", ""},
  };
  for (const auto& range : ranges) expect_refused_range(range);
  EXPECT_TRUE(special_purpose_address("255.255.255.255"));
  EXPECT_TRUE(special_purpose_address("169.254.169.254"));  // cloud metadata
  EXPECT_TRUE(special_purpose_address("198.18.0.1"));       // the example
  for (const char* outside : {"1.1.1.1", "8.8.8.8", "93.184.216.34", "223.255.255.255"}) {
    EXPECT_FALSE(special_purpose_address(outside)) << outside;
  }
}

TEST(AddressFilter, EveryIpv6SpecialPurposeRangeIsRefusedEdgeToEdge) {
  // Inside global unicast (2000::/3), with its neighbours on both sides.
  const Edges inside[] = {
      {"2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:200::"},
      {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"},
      {"2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2002::", "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2003::"},
      {"2620:4f:7fff:ffff:ffff:ffff:ffff:ffff", "2620:4f:8000::", "2620:4f:8000:ffff:ffff:ffff:ffff:ffff",
       "2620:4f:8001::"},
      {"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff:1000::"},
  };
  for (const auto& range : inside) expect_refused_range(range);
  // Outside it, whose neighbours are reserved space, refused too.
  const Edges outside[] = {
      {"", "::", "::ffff:ffff", ""},  // unspecified, loopback, IPv4-compatible
      {"", "64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", ""},
      {"", "100::", "100::ffff:ffff:ffff:ffff", ""},
      {"", "5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
      {"", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
      {"", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
      {"", "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
      {"", "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
  };
  for (const auto& range : outside) expect_refused_range(range);
  // Global unicast is 2000::/3, edge to edge.
  EXPECT_TRUE(special_purpose_address("1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(special_purpose_address("2000::"));
  EXPECT_FALSE(special_purpose_address("3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_TRUE(special_purpose_address("4000::"));
  EXPECT_TRUE(special_purpose_address("::1"));
  EXPECT_TRUE(special_purpose_address("::127.0.0.1"));  // IPv4-compatible
  EXPECT_TRUE(special_purpose_address("::1:0:0"));
  EXPECT_TRUE(special_purpose_address("100:0:0:1::"));  // reserved, beside discard-only
  for (const char* outside : {"2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "2001:200::1"}) {
    EXPECT_FALSE(special_purpose_address(outside)) << outside;
  }
}

TEST(AddressFilter, Ipv6FormsCarryingAnIpv4AddressAreJudgedByIt) {
  // IPv4-mapped, SIIT-translated and NAT64 well-known prefix: refused when the IPv4 address
  // would be, allowed when it is public.
  for (const char* prefix : {"::ffff:", "::ffff:0:", "64:ff9b::"}) {
    for (const char* ipv4 : {"127.0.0.1", "10.1.2.3", "169.254.169.254", "198.18.0.1", "0.0.0.0", "255.255.255.255"}) {
      EXPECT_TRUE(special_purpose_address(std::string(prefix) + ipv4)) << prefix << ipv4;
    }
    for (const char* ipv4 : {"8.8.8.8", "93.184.216.34", "198.20.0.0"}) {
      EXPECT_FALSE(special_purpose_address(std::string(prefix) + ipv4)) << prefix << ipv4;
    }
  }
  EXPECT_TRUE(special_purpose_address("64:ff9b:1::8.8.8.8"));  // local-use translation: refused whole
}

TEST(AddressFilter, TextThatIsNotAnAddressIsRefused) {
  for (const char* bad : {"", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "::g", "01.02.03.04x"}) {
    EXPECT_TRUE(special_purpose_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace switchboard
