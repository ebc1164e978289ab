// The API's documentation through the real binary: /openapi.json validates with
// @apidevtools/swagger-parser (tests/node/openapi_validate.mjs), real answers fit its schemas
// (tests/node/openapi_responses.mjs), and it matches the router's route
// table (GET /admin/routes lists what the router registered, so nothing here copies a list);
// /docs serves Swagger UI from this server only, under the security headers' CSP, and renders
// in a real browser; unknown asset names are 404 and missing Swagger UI files a 503.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

// The embedded defaults (security-headers listed) plus `auth`, to show the docs are public.
const char* kConfig = R"(
middleware: [security-headers, body-limit, auth]
)";

struct Output {
  int status = -1;
  std::string text;
};

Output run(const std::string& command) {
  Output out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe)) out.text += buffer;
  out.status = pclose(pipe);
  return out;
}

// "METHOD /path" for every operation of an OpenAPI document.
std::set<std::string> documented_routes(const json& document) {
  static const std::set<std::string> methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  std::set<std::string> routes;
  for (const auto& [path, item] : document.at("paths").items()) {
    for (const auto& [key, operation] : item.items()) {
      if (!methods.count(key)) continue;  // parameters, summary, x-…
      std::string method = key;
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      routes.insert(method + " " + path);
    }
  }
  return routes;
}

std::string listed(const std::set<std::string>& routes) {
  std::string out;
  for (const auto& route : routes) out += "\n  " + route;
  return out;
}

class OpenApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(ServerOptions{kConfig, {}, {}, {}}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  std::vector<std::string> admin() const { return {"Authorization: Bearer " + server_->admin_token()}; }

  static ServerProcess* server_;
  HttpClient client_{server_->base_url()};
};
ServerProcess* OpenApi::server_ = nullptr;

TEST_F(OpenApi, DocumentValidatesWithSwaggerParser) {
  // tools/dev installs tests/node (npm @apidevtools/swagger-parser); the script exits 1 on a problem.
  const auto out =
      run("node " + std::string(SWITCHBOARD_SOURCE_DIR) + "/tests/node/openapi_validate.mjs " + server_->base_url());
  EXPECT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("valid: OpenAPI 3.0.3"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("version " SWITCHBOARD_VERSION), std::string::npos) << out.text;
}

TEST_F(OpenApi, RealAnswersFitTheDocumentedSchemas) {
  // Stories, chat, analyze, text processing, registry, jobs, usage, the gateway, admin and some
  // errors, each answer validated (ajv) against the schema documented for its status.
  const auto out = run("node " + std::string(SWITCHBOARD_SOURCE_DIR) + "/tests/node/openapi_responses.mjs " +
                       server_->base_url() + " " + server_->admin_token());
  EXPECT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("checked "), std::string::npos) << out.text;
}

TEST_F(OpenApi, EveryRegisteredRouteIsDocumentedAndEveryDocumentedRouteExists) {
  auto table = client_.get("/admin/routes", admin());
  ASSERT_EQ(table.status, 200) << table.body;
  std::set<std::string> registered;
  const json routes = table.json()["routes"];
  for (const auto& route : routes) {
    registered.insert(route["method"].get<std::string>() + " " + route["path"].get<std::string>());
  }
  ASSERT_GT(registered.size(), 50u);  // the real table, not an empty answer

  auto document = client_.get("/openapi.json");
  ASSERT_EQ(document.status, 200);
  const auto documented = documented_routes(document.json());

  std::set<std::string> undocumented, unregistered;
  std::set_difference(registered.begin(), registered.end(), documented.begin(), documented.end(),
                      std::inserter(undocumented, undocumented.end()));
  std::set_difference(documented.begin(), documented.end(), registered.begin(), registered.end(),
                      std::inserter(unregistered, unregistered.end()));
  EXPECT_TRUE(undocumented.empty()) << "registered but not in host/openapi/openapi.yaml:" << listed(undocumented);
  EXPECT_TRUE(unregistered.empty()) << "in host/openapi/openapi.yaml but not registered:" << listed(unregistered);
}

TEST_F(OpenApi, DocumentIsPublicAndCacheable) {
  EXPECT_EQ(client_.get("/v1/models").status, 401);  // auth is on for the API ...
  auto document = client_.get("/openapi.json");      // ... not for its documentation
  ASSERT_EQ(document.status, 200) << document.body;
  EXPECT_EQ(document.header("content-type"), "application/json");
  EXPECT_EQ(document.header("cache-control"), "public, max-age=60");
  const std::string etag = document.header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(document.json()["info"]["version"], SWITCHBOARD_VERSION);

  auto again = client_.get("/openapi.json", {"If-None-Match: " + etag});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(client_.get("/openapi.json", {"If-None-Match: \"other\""}).status, 200);
  EXPECT_EQ(client_.get("/docs").status, 200);
  EXPECT_EQ(client_.get("/docs/swagger-ui.css").status, 200);
}

TEST_F(OpenApi, DocsPageLoadsOnlyThisServersFilesWithTheirTypes) {
  auto page = client_.get("/docs");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.body.find("http://"), std::string::npos);
  EXPECT_EQ(page.body.find("https://"), std::string::npos);
  EXPECT_EQ(page.body.find("//cdn"), std::string::npos);

  // Every script and stylesheet the page loads, with the type it must come back as.
  const std::map<std::string, std::string> expected = {
      {".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"}, {".png", "image/png"}};
  const std::regex reference(R"((?:src|href)="([^"]*)\")");
  std::set<std::string> seen;
  for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), reference); it != std::sregex_iterator();
       ++it) {
    const std::string url = (*it)[1];
    ASSERT_EQ(url.rfind("/docs/", 0), 0u) << "not a file of this server's /docs: " << url;
    seen.insert(url);
    auto asset = client_.get(url);
    EXPECT_EQ(asset.status, 200) << url << ": " << asset.body.substr(0, 300);
    EXPECT_FALSE(asset.body.empty()) << url;
    EXPECT_EQ(asset.header("content-type"), expected.at(url.substr(url.rfind('.')))) << url;
    EXPECT_EQ(asset.header("x-content-type-options"), "nosniff") << url;
    EXPECT_EQ(client_.get(url, {"If-None-Match: " + asset.header("etag")}).status, 304) << url;
  }
  EXPECT_TRUE(seen.count("/docs/swagger-ui-bundle.js"));
  EXPECT_TRUE(seen.count("/docs/swagger-ui.css"));
  EXPECT_TRUE(seen.count("/docs/switchboard-docs.js"));

  // The security headers' policy allows this server's scripts only: nothing inline may be needed.
  EXPECT_NE(page.header("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(page.header("content-security-policy").find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(std::regex_search(page.body, std::regex(R"(<script(?![^>]*\bsrc=)[^>]*>)")), false) << page.body;
  EXPECT_EQ(std::regex_search(page.body, std::regex(R"(\son[a-z]+\s*=|\sstyle\s*=|<style)")), false) << page.body;
  EXPECT_NE(client_.get("/docs/switchboard-docs.js").body.find("\"/openapi.json\""), std::string::npos);
}

TEST_F(OpenApi, OnlyTheListedAssetNamesAreServed) {
  // Files that are in swagger-ui-dist, and names that try to leave the folder: none is listed.
  // Names that leave the folder (dot segments, encoded slashes and NULs) are refused as paths
  // before any route: 400 INVALID_PATH; the others are simply not listed: 404.
  for (const auto& [name, code] :
       std::vector<std::pair<std::string, std::string>>{{"index.html", "NOT_FOUND"},
                                                        {"swagger-ui.js", "NOT_FOUND"},
                                                        {"swagger-ui-bundle.js.map", "NOT_FOUND"},
                                                        {"package.json", "NOT_FOUND"},
                                                        {"swagger-initializer.js", "NOT_FOUND"},
                                                        {"SWAGGER-UI.CSS", "NOT_FOUND"},
                                                        {"swagger-ui.css%00", "INVALID_PATH"},
                                                        {"swagger-ui.css%2F..", "INVALID_PATH"},
                                                        {"..%2F..%2Fopenapi%2Fopenapi.yaml", "INVALID_PATH"},
                                                        {"%2e%2e", "INVALID_PATH"},
                                                        {"swagger-ui.css.", "NOT_FOUND"},
                                                        {"swagger-ui.css%20", "NOT_FOUND"},
                                                        {"%2Fetc%2Fpasswd", "INVALID_PATH"}}) {
    auto reply = client_.get("/docs/" + name);
    EXPECT_EQ(reply.status, code == "NOT_FOUND" ? 404 : 400) << name;
    auto body = reply.json();
    ASSERT_TRUE(body.is_object()) << name << ": " << reply.body;
    EXPECT_EQ(body["error"]["code"], code) << name;
    EXPECT_EQ(body["error"]["request_id"], reply.header("x-request-id")) << name;
  }
  EXPECT_EQ(client_.get("/docs/swagger-ui.css/x").status, 404);  // one segment only
}

TEST_F(OpenApi, DocsPageRendersInHeadlessChromium) {
  // A real browser, so the page is shown to work under the CSP, not only to look as if it would.
  if (run("command -v chromium").status != 0) GTEST_SKIP() << "chromium is not installed (tools/dev test installs it)";
  const TempDir profile;
  const auto out =
      run("timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
          "--user-data-dir=" +
          profile.path().string() + " --enable-logging=stderr --v=0 --virtual-time-budget=20000 " + "--dump-dom " +
          server_->base_url() + "/docs");
  ASSERT_EQ(out.status, 0) << out.text.substr(0, 4000);
  // Swagger UI fetched /openapi.json and drew an operation block per route.
  EXPECT_NE(out.text.find("class=\"swagger-ui"), std::string::npos) << out.text.substr(0, 4000);
  std::size_t blocks = 0;
  for (auto at = out.text.find("class=\"opblock opblock-"); at != std::string::npos;
       at = out.text.find("class=\"opblock opblock-", at + 1)) {
    ++blocks;
  }
  EXPECT_EQ(blocks, documented_routes(client_.get("/openapi.json").json()).size()) << out.text.substr(0, 4000);
  EXPECT_NE(out.text.find("data-path=\"/v1/chat/completions\""), std::string::npos);
  // Chromium logs each blocked script, style or request as a console message.
  for (const char* violation : {"violates the following Content Security Policy", "Refused to"}) {
    const auto at = out.text.find(violation);
    EXPECT_EQ(at, std::string::npos) << out.text.substr(at == std::string::npos ? 0 : at, 1000);
  }
}

TEST(OpenApiWithoutSwaggerUi, DocsAnswer503AndTheDocumentStillServes) {
  const TempDir empty;
  ServerProcess server(ServerOptions{"", {}, {{"SWITCHBOARD_DOCS_UI_DIR", empty.path().string()}}, {}});
  HttpClient client(server.base_url());
  for (const char* path : {"/docs", "/docs/swagger-ui-bundle.js"}) {
    auto reply = client.get(path);
    EXPECT_EQ(reply.status, 503) << path;
    EXPECT_EQ(reply.header("content-type"), "application/json") << path;
    auto body = reply.json();
    ASSERT_TRUE(body.is_object()) << reply.body;
    EXPECT_EQ(body["error"]["code"], "DOCS_UNAVAILABLE");
    EXPECT_NE(body["error"]["message"].get<std::string>().find(empty.path().string()), std::string::npos);
    EXPECT_NE(body["error"]["message"].get<std::string>().find("npm ci"), std::string::npos);
  }
  EXPECT_EQ(client.get("/docs/switchboard-docs.js").status, 200);  // compiled in
  EXPECT_EQ(client.get("/openapi.json").status, 200);
}

}  // namespace
}  // namespace switchboard::test
