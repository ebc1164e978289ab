// Which names GET /assets/{file} serves from the console's build.
#include "api/console_assets.hpp"

#include <gtest/gtest.h>

namespace switchboard {
namespace {

TEST(ConsoleAssets, ViteOutputNamesAreServedWithTheirTypes) {
  for (const char* name : {"index-DqO5LzAp.js", "index-r0DCStN-.css", "logo.svg", "app_1.2.png", "x.woff2"}) {
    EXPECT_TRUE(is_console_asset_name(name)) << name;
  }
  EXPECT_EQ(console_asset_type("index-DqO5LzAp.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(console_asset_type("index.css"), "text/css; charset=utf-8");
}

TEST(ConsoleAssets, NamesThatCouldLeaveTheFolderOrAreUnknownAreRefused) {
  for (const char* name : {"", "..", "../index.js", "a/b.js", ".hidden.js", "..js", "index.html", "notes.txt",
                           "index.js\n", "in dex.js", "index%2e.js", "x.JS"}) {
    EXPECT_FALSE(is_console_asset_name(name)) << name;
  }
  EXPECT_FALSE(is_console_asset_name(std::string(126, 'a') + ".js"));  // 129 characters
  EXPECT_TRUE(is_console_asset_name(std::string(125, 'a') + ".js"));   // 128
}

}  // namespace
}  // namespace switchboard
