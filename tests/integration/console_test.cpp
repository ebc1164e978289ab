// The web console through the real binary: its page and built files from paths.console_dir
// (ETags, caching, names that may not leave the folder, a rebuild picked up live, a missing
// build explained), public under the auth middleware; and the real console (console/dist,
// built by tools/dev) clicked through in headless Chromium by tests/node/console.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "../support/command.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

const std::string kPage =
    "<!doctype html><title>Switchboard</title><script type=module src=/assets/index-Ab1.js></script>";
const std::string kScript = "console.log('switchboard console')";

class Console : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    build_ = new TempDir();
    write_file(build_->path() / "index.html", kPage);
    write_file(build_->path() / "assets/index-Ab1.js", kScript);
    write_file(build_->path() / "assets/index-Ab1.css", "body{margin:0}");
    write_file(build_->path() / "secret.js", "not an asset");
    server_ = new ServerProcess(ServerOptions{"", {}, {{"SWITCHBOARD_CONSOLE_DIR", build_->path().string()}}, {}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete build_;
  }

  static TempDir* build_;
  static ServerProcess* server_;
  HttpClient client_{server_->base_url()};
};
TempDir* Console::build_ = nullptr;
ServerProcess* Console::server_ = nullptr;

TEST_F(Console, ThePageAndItsFilesAreServedWithTheirCachingRules) {
  auto page = client_.get("/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.body, kPage);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("cache-control"), "no-cache");  // revalidated on every load
  EXPECT_NE(page.header("content-security-policy").find("default-src 'self'"), std::string::npos);
  const std::string etag = page.header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = client_.get("/", {"If-None-Match: " + etag});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  auto script = client_.get("/assets/index-Ab1.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.body, kScript);
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(client_.get("/assets/index-Ab1.css").header("content-type"), "text/css; charset=utf-8");
}

TEST_F(Console, OnlyTheBuildsAssetsAreServed) {
  for (const char* path : {"/assets/missing-1.js", "/assets/.hidden.js", "/assets/index.html", "/secret.js"}) {
    auto reply = client_.get(path);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_EQ(reply.json()["error"]["code"], "NOT_FOUND") << path << ": " << reply.body;
    EXPECT_EQ(reply.body.find("not an asset"), std::string::npos);
  }
  // Names that try to leave the folder never reach a route: the path itself is refused.
  for (const char* path : {"/assets/..%2Fsecret.js", "/assets/%2E%2E"}) {
    auto reply = client_.get(path);
    EXPECT_EQ(reply.status, 400) << path;
    EXPECT_EQ(reply.json()["error"]["code"], "INVALID_PATH") << path << ": " << reply.body;
  }
  EXPECT_EQ(client_.get("/assets/../secret.js").body.find("not an asset"), std::string::npos);
}

TEST_F(Console, ARebuiltConsoleIsServedWithoutARestart) {
  const std::string before = client_.get("/").header("etag");
  const std::string rebuilt = kPage + "<!-- rebuilt -->";
  write_file(build_->path() / "index.html", rebuilt);
  // The modification time may not have moved within the file system's resolution; the size has.
  auto page = client_.get("/");
  EXPECT_EQ(page.body, rebuilt);
  EXPECT_NE(page.header("etag"), before);
  write_file(build_->path() / "index.html", kPage);
}

TEST_F(Console, ABrowsersReloadIsAnsweredWhateverItsCacheDirectives) {
  // A browser's reload sends Cache-Control: max-age=0. Pistache's own parser of that header
  // read its number past the value (ASan) and threw on a malformed one, failing the request;
  // the header now reaches Switchboard as sent (host/src/pistache_headers.hpp).
  for (const char* value : {"max-age=0", "no-cache", "max-age=0, no-store", "max-age=oops", "max-age", "max-stale=1x",
                            "max-age=99999999999999999999999999"}) {
    auto reply = client_.get("/", {std::string("Cache-Control: ") + value});
    EXPECT_EQ(reply.status, 200) << value << ": " << reply.body;
    EXPECT_EQ(reply.body, kPage) << value;
  }
  EXPECT_EQ(client_.get("/health").status, 200);
}

TEST(ConsoleNotBuilt, ThePageSaysHowToBuildIt) {
  TempDir empty;
  ServerProcess server(ServerOptions{"", {}, {{"SWITCHBOARD_CONSOLE_DIR", empty.path().string()}}, {}});
  HttpClient client(server.base_url());
  for (const char* path : {"/", "/assets/index-Ab1.js"}) {
    auto reply = client.get(path);
    EXPECT_EQ(reply.status, 503) << path;
    EXPECT_EQ(reply.json()["error"]["code"], "CONSOLE_UNAVAILABLE") << reply.body;
    EXPECT_NE(reply.json()["error"]["message"].get<std::string>().find("npm run build"), std::string::npos);
    EXPECT_EQ(reply.json()["error"]["request_id"], reply.header("x-request-id"));
  }
  EXPECT_EQ(client.get("/health").status, 200);
}

TEST(ConsoleWithAuth, TheConsolesFilesArePublicAndItsCallsNeedACredential) {
  TempDir build;
  write_file(build.path() / "index.html", kPage);
  write_file(build.path() / "assets/index-Ab1.js", kScript);
  const char* config = R"(
middleware: [security-headers, auth]
)";
  ServerProcess server(ServerOptions{config, {}, {{"SWITCHBOARD_CONSOLE_DIR", build.path().string()}}, {}});
  HttpClient client(server.base_url());
  EXPECT_EQ(client.get("/").status, 200);
  EXPECT_EQ(client.get("/assets/index-Ab1.js").status, 200);
  EXPECT_EQ(client.get("/assets/missing.js").status, 404);  // public, and still only the build's files
  EXPECT_EQ(client.get("/api/stories").status, 401);
  EXPECT_EQ(client.get("/admin/plugins").status, 401);
}

// The real console, built from console/ by tools/dev, in Debian's Chromium: each page's main
// flow (tests/node/console/*.test.mjs), with screenshots saved to the build folder.
TEST(ConsoleInBrowser, EveryPageIsClickedThroughInHeadlessChromium) {
  const fs::path dist = fs::path(SWITCHBOARD_SOURCE_DIR) / "console/dist";
  ASSERT_TRUE(fs::exists(dist / "index.html"))
      << "the console is not built: tools/dev builds it (npm run build in console/)";
  TempDir data;
  const fs::path screenshots = fs::path(SWITCHBOARD_BUILD_DIR) / "console-screenshots";
  fs::remove_all(screenshots);
  fs::create_directories(screenshots);
  // Priced calls (so the cost charts have data), every framework, a log file for the log
  // viewer, and a mock that streams with a pause between words (so a reply is seen arriving).
  const std::string config = R"(
logging: {file: )" + (data.path() / "switchboard.log").string() +
                             R"(}
plugins:
  - {name: mock, file: providers/mock.so, config: {chunk_delay_ms: 15}}
  - {name: price-table, file: cost/price-table.so, config: {pricing_file: pricing.yaml}}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: chain, file: frameworks/chain.so}
  - {name: graph, file: frameworks/graph.so}
  - {name: security-headers, file: middleware/security-headers.so}
  - {name: body-limit, file: middleware/body-limit.so}
middleware: [security-headers, body-limit]
providers:
  - {name: mock, display_name: Mock, plugin: mock, model: gpt-4o-mini, models: [gpt-4o-mini], cost_model: price-table}
default_provider: mock
)";
  ServerProcess server(ServerOptions{config, {}, {{"SWITCHBOARD_CONSOLE_DIR", dist.string()}}, {}});
  const std::string command = "cd " + std::string(SWITCHBOARD_SOURCE_DIR) + " && SWITCHBOARD_URL=" + server.base_url() +
                              " SWITCHBOARD_ADMIN_TOKEN=" + server.admin_token() +
                              " SCREENSHOT_DIR=" + screenshots.string() +
                              " node --test --test-concurrency=1 --test-reporter=spec tests/node/console/ 2>&1";
  const auto [status, output] = run_command(command);
  EXPECT_EQ(status, 0) << output << "\n--- server ---\n" << server.log();
  EXPECT_NE(output.find("ℹ fail 0\n"), std::string::npos) << output;
  EXPECT_EQ(output.find("ℹ pass 0\n"), std::string::npos) << output;
  for (const char* page : {"stories", "stories-compare", "chat", "context", "costs", "operations"}) {
    EXPECT_TRUE(fs::exists(screenshots / (std::string(page) + ".png"))) << page;
  }
  std::printf("console screenshots: %s\n", screenshots.string().c_str());
  // The server lived through it all.
  EXPECT_EQ(HttpClient(server.base_url()).get("/health").status, 200) << server.log();
}

}  // namespace
}  // namespace switchboard::test
