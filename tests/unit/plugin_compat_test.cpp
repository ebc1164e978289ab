#include <switchboard/plugin_compat.hpp>

#include <gtest/gtest.h>

#include <switchboard/plugin/abi.hpp>
#include <switchboard/plugin/version.hpp>

namespace switchboard {
namespace {

using plugin::PluginInfo;
using plugin::PluginKind;

PluginInfo good_info() {
  return {plugin::kApiMajor, plugin::kApiMinor, plugin::kAbiTag, PluginKind::provider, "mock", "1.0.0", "test"};
}

PluginExpectation host(int major, int minor) { return {major, minor, plugin::kAbiTag, std::nullopt, std::nullopt}; }

TEST(PluginCompat, AcceptsMatchingPlugin) {
  EXPECT_EQ(check_plugin_info(good_info(), host_expectation()), std::nullopt);
}

TEST(PluginCompat, RefusesOtherMajorVersionNamingBoth) {
  auto info = good_info();
  info.api_major = 2;
  info.api_minor = 0;
  auto reason = check_plugin_info(info, host(1, 3));
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("major"), std::string::npos) << *reason;
  EXPECT_NE(reason->find("host supports 1.3"), std::string::npos) << *reason;
  EXPECT_NE(reason->find("built for 2.0"), std::string::npos) << *reason;
}

TEST(PluginCompat, RefusesNewerMinorVersion) {
  auto info = good_info();
  info.api_major = 1;
  info.api_minor = 4;
  auto reason = check_plugin_info(info, host(1, 3));
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("minor"), std::string::npos) << *reason;
  EXPECT_NE(reason->find("1.3"), std::string::npos) << *reason;
  EXPECT_NE(reason->find("1.4"), std::string::npos) << *reason;
}

TEST(PluginCompat, AcceptsOlderMinorVersion) {
  auto info = good_info();
  info.api_major = 1;
  info.api_minor = 2;
  EXPECT_EQ(check_plugin_info(info, host(1, 3)), std::nullopt);
}

TEST(PluginCompat, RefusesOtherAbiTagNamingBoth) {
  auto info = good_info();
  info.abi_tag = "clang 99; libc++";
  auto reason = check_plugin_info(info, host_expectation());
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("ABI tag mismatch"), std::string::npos) << *reason;
  EXPECT_NE(reason->find("clang 99; libc++"), std::string::npos) << *reason;
  EXPECT_NE(reason->find(plugin::kAbiTag), std::string::npos) << *reason;
}

TEST(PluginCompat, RefusesMissingAbiTag) {
  auto info = good_info();
  info.abi_tag = nullptr;
  EXPECT_TRUE(check_plugin_info(info, host_expectation()));
}

TEST(PluginCompat, RefusesWrongKind) {
  auto expected = host_expectation();
  expected.kind = PluginKind::middleware;
  auto reason = check_plugin_info(good_info(), expected);
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("expected middleware, found provider"), std::string::npos) << *reason;
}

TEST(PluginCompat, RefusesUnknownKind) {
  auto info = good_info();
  info.kind = static_cast<PluginKind>(42);
  auto reason = check_plugin_info(info, host_expectation());
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("42"), std::string::npos);
}

TEST(PluginCompat, RefusesOtherNameThanConfigured) {
  auto expected = host_expectation();
  expected.name = "openai";
  auto reason = check_plugin_info(good_info(), expected);
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("expected \"openai\", found \"mock\""), std::string::npos) << *reason;
}

TEST(PluginCompat, RefusesEmptyNameOrVersion) {
  auto info = good_info();
  info.name = "";
  EXPECT_TRUE(check_plugin_info(info, host_expectation()));
  info = good_info();
  info.version = nullptr;
  EXPECT_TRUE(check_plugin_info(info, host_expectation()));
}

}  // namespace
}  // namespace switchboard
