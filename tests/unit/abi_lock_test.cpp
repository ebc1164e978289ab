// The ABI lock: plugin-api/abi.lock records, for each plugin-api version, the SHA-256 of its
// headers. Changing a header without bumping the version (and recording the new hash with
// `tools/dev abi-lock`) fails here, so an incompatible contract never ships under an old
// version number.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <switchboard/plugin/abi.hpp>
#include <switchboard/plugin/version.hpp>

namespace {

TEST(PluginApiAbi, HeadersMatchTheHashRecordedForThisVersion) {
  std::ifstream lock(SWITCHBOARD_ABI_LOCK);
  ASSERT_TRUE(lock) << "cannot read " << SWITCHBOARD_ABI_LOCK;
  const std::string version =
      std::to_string(switchboard::plugin::kApiMajor) + "." + std::to_string(switchboard::plugin::kApiMinor);
  std::string line;
  std::optional<std::string> recorded;
  while (std::getline(lock, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string v, sha;
    fields >> v >> sha;
    if (v == version) recorded = sha;
  }
  ASSERT_TRUE(recorded) << "plugin-api " << version << " has no line in abi.lock: run tools/dev abi-lock";
  EXPECT_EQ(*recorded, SWITCHBOARD_PLUGIN_API_SHA256)
      << "plugin-api headers changed but the version is still " << version
      << ": bump kApiMinor (added virtuals at the end) or kApiMajor (anything else), then run tools/dev abi-lock";
}

TEST(PluginApiAbi, AbiTagCarriesTheHeaderHash) {
  EXPECT_NE(std::string(switchboard::plugin::kAbiTag).find(SWITCHBOARD_PLUGIN_API_SHA256), std::string::npos);
}

}  // namespace
