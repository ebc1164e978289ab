// sbctl's argument checks: dates, where the admin token comes from, JSON options.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "arguments.hpp"

namespace sbctl {
namespace {

namespace fs = std::filesystem;

TEST(SbctlArguments, DatesAreRealDaysAsYyyyMmDd) {
  EXPECT_TRUE(is_iso_date("2026-11-23"));
  EXPECT_TRUE(is_iso_date("2024-02-29"));
  EXPECT_FALSE(is_iso_date("2026-02-29"));
  EXPECT_FALSE(is_iso_date("2026-13-01"));
  EXPECT_FALSE(is_iso_date("2026-1-01"));
  EXPECT_FALSE(is_iso_date("2026/11/23"));
  EXPECT_FALSE(is_iso_date("yesterday"));
  EXPECT_FALSE(is_iso_date(""));
}

class SbctlToken : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("sbctl-token-" + std::to_string(::getpid()));
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  std::string file_with(const std::string& name, const std::string& text) {
    std::ofstream(folder_ / name) << text;
    return (folder_ / name).string();
  }
  fs::path folder_;
};

TEST_F(SbctlToken, TheFlagComesFirstThenTheFileThenTheVariableThenTheDefaultFile) {
  const auto file = file_with("given", "from-file\n");
  const auto fallback = file_with("default", "from-default\n");
  EXPECT_EQ(resolve_admin_token({"from-flag", file, "from-env", fallback}).value(), "from-flag");
  EXPECT_EQ(resolve_admin_token({"", file, "from-env", fallback}).value(), "from-file");
  EXPECT_EQ(resolve_admin_token({"", std::nullopt, "from-env", fallback}).value(), "from-env");
  EXPECT_EQ(resolve_admin_token({"", std::nullopt, std::nullopt, fallback}).value(), "from-default");
  EXPECT_EQ(resolve_admin_token({"", std::nullopt, "", fallback}).value(), "from-default");
}

TEST_F(SbctlToken, AMissingDefaultFileMeansNoTokenButAMissingNamedFileIsAnError) {
  const std::string missing = (folder_ / "absent").string();
  EXPECT_EQ(resolve_admin_token({"", std::nullopt, std::nullopt, missing}).value(), "");
  auto named = resolve_admin_token({"", missing, std::nullopt, missing});
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().find(missing), std::string::npos);
  EXPECT_FALSE(resolve_admin_token({"", file_with("empty", "\n"), std::nullopt, missing}));
}

TEST_F(SbctlToken, SurroundingWhitespaceIsNotPartOfTheToken) {
  EXPECT_EQ(resolve_admin_token({"", file_with("spaced", "  secret-token \r\n"), std::nullopt, ""}).value(),
            "secret-token");
}

TEST(SbctlArguments, JsonOptionsMustBeObjects) {
  EXPECT_EQ(parse_json_object(R"({"a": 1})", "--config").value()["a"], 1);
  auto broken = parse_json_object("{a: 1}", "--config");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error(), "--config is not valid JSON");
  EXPECT_EQ(parse_json_object("[1]", "--params").error(), "--params must be a JSON object");
}

}  // namespace
}  // namespace sbctl
