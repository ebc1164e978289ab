// The documentation's own pieces without a server: the compiled-in OpenAPI document parses as
// OpenAPI 3.0, and the asset list admits its names exactly — nothing that could name another file.
#include "api/docs_api.hpp"

#include <gtest/gtest.h>

namespace switchboard {
namespace {

TEST(DocsApi, TheDocumentIsOpenApi3WithTheServersVersion) {
  const auto document = openapi_document();
  EXPECT_EQ(document.value("openapi", ""), "3.0.3");
  EXPECT_EQ(document["info"]["version"], SWITCHBOARD_VERSION);
  EXPECT_GT(document["paths"].size(), 50u);
  EXPECT_TRUE(document["components"]["schemas"].contains("Error"));
}

TEST(DocsApi, ThePageLoadsOnlyListedFilesAndNoInlineScript) {
  const std::string page(embedded_docs_page());
  for (const char* name : {"swagger-ui.css", "swagger-ui-bundle.js", "switchboard-docs.js"}) {
    EXPECT_NE(page.find(std::string("\"/docs/") + name + "\""), std::string::npos) << name;
    EXPECT_TRUE(find_docs_asset(name)) << name;
  }
  EXPECT_EQ(page.find("<script>"), std::string::npos);
}

TEST(DocsApi, OnlyTheListedNamesAreAssets) {
  for (const char* name :
       {"swagger-ui.css", "swagger-ui-bundle.js", "switchboard-docs.js", "favicon-16x16.png", "favicon-32x32.png"}) {
    EXPECT_TRUE(find_docs_asset(name)) << name;
  }
  EXPECT_FALSE(find_docs_asset("switchboard-docs.js")->from_package);
  EXPECT_TRUE(find_docs_asset("swagger-ui.css")->from_package);
  using namespace std::string_literals;
  for (const auto& name :
       {""s, "."s, ".."s, "../swagger-ui.css"s, "./swagger-ui.css"s, "swagger-ui.css/"s, "/swagger-ui.css"s,
        "swagger-ui.css\0"s, "swagger-ui.css\0.png"s, "SWAGGER-UI.CSS"s, "swagger-ui.css "s, "swagger-ui.css.map"s,
        "index.html"s, "package.json"s, "..%2Fpackage.json"s, "swagger-ui.js"s, "swagger-initializer.js"s}) {
    EXPECT_FALSE(find_docs_asset(name)) << name;
  }
}

}  // namespace
}  // namespace switchboard
