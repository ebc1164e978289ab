// A provider written outside the tree: the example is copied out, built against the
// installed plugin-api package, dropped into a running server's plugin folder, loaded with
// one admin call, and then serves requests.
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {
namespace fs = std::filesystem;

int run(const std::string& command, const fs::path& log) {
  return std::system((command + " > '" + log.string() + "' 2>&1").c_str());
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(DropIn, AnOutOfTreeProviderIsBuiltDroppedInLoadedAndServes) {
  TempDir work;
  const fs::path prefix = work.path() / "prefix";
  const fs::path source = work.path() / "my-provider";
  const fs::path build = work.path() / "my-provider-build";
  const fs::path log = work.path() / "build.log";

  ASSERT_EQ(run("cmake --install '" + std::string(SWITCHBOARD_BUILD_DIR) + "' --component plugin-api --prefix '" +
                    prefix.string() + "'",
                log),
            0)
      << read(log);
  fs::copy(fs::path(SWITCHBOARD_SOURCE_DIR) / "plugins/providers/example", source, fs::copy_options::recursive);
  ASSERT_EQ(run("cmake -S '" + source.string() + "' -B '" + build.string() + "' -DCMAKE_PREFIX_PATH='" +
                    prefix.string() + "' -DCMAKE_BUILD_TYPE=Release && cmake --build '" + build.string() + "'",
                log),
            0)
      << read(log);
  ASSERT_TRUE(fs::exists(build / "example.so"));

  // A server whose plugin folder has no example plugin yet, but an instance that names it.
  TempDir plugins;
  fs::create_directories(plugins.path() / "providers");
  fs::copy_file(fs::path(SWITCHBOARD_PLUGIN_DIR) / "providers/mock.so", plugins.path() / "providers/mock.so");
  ServerProcess server({R"(
plugins:
  - {name: mock, file: providers/mock.so}
middleware: []
providers:
  - {name: mock, plugin: mock, model: mock-1}
  - {name: shout, plugin: example, model: loud}
default_provider: mock
)",
                        {},
                        {},
                        plugins.path()});
  HttpClient client(server.base_url());
  const std::string chat = R"({"model":"shout/loud","messages":[{"role":"user","content":"hello plugins"}]})";
  EXPECT_EQ(client.post("/v1/chat/completions", chat).status, 502);  // not loaded yet

  fs::copy_file(build / "example.so", plugins.path() / "providers/example.so");
  auto loaded = client.post("/admin/plugins", R"({"file": "providers/example.so", "config": {"prefix": "HEY:"}})",
                            {"Authorization: Bearer " + server.admin_token()});
  ASSERT_EQ(loaded.status, 201) << loaded.body;
  EXPECT_EQ(loaded.json()["name"], "example");

  auto reply = client.post("/v1/chat/completions", chat);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["choices"][0]["message"]["content"], "HEY: HELLO PLUGINS");
  EXPECT_EQ(reply.header("x-switchboard-provider"), "shout");
}

}  // namespace
}  // namespace switchboard::test
