// Loads real plugin .so files through the real registry: the version and ABI rules, the
// refusals, and the life of a replaced version.
#include <switchboard/plugin_registry.hpp>

#include <fstream>

#include <gtest/gtest.h>

#include <switchboard/plugin/version.hpp>

#include <switchboard/plugin/abi.hpp>

#include "../support/server_process.hpp"
#include "fake_host_services.hpp"

namespace switchboard {
namespace {

// The plugin-api version this host speaks, as the refusals word it.
const std::string kHostApi = std::to_string(plugin::kApiMajor) + "." + std::to_string(plugin::kApiMinor);
const std::string kNextMajor = std::to_string(plugin::kApiMajor + 1) + ".0";
const std::string kNextMinor = std::to_string(plugin::kApiMajor) + "." + std::to_string(plugin::kApiMinor + 1);
namespace fs = std::filesystem;

bool mapped(const fs::path& file) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find(file.string()) != std::string::npos) return true;
  }
  return false;
}

class PluginRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::assemble_plugin_dir(plugins_);
    registry_ = std::make_unique<PluginRegistry>(plugins_, temp_.path() / "private", [](const std::string&) {
      return std::make_shared<test::FakeHostServices>();
    });
  }

  std::string refusal(const std::string& file, const std::string& name = "") {
    auto loaded = registry_->load(file, name, nlohmann::json::object());
    EXPECT_FALSE(loaded) << file << " was loaded but should have been refused";
    return loaded ? std::string() : loaded.error().message;
  }

  test::TempDir temp_;
  fs::path plugins_ = temp_.path() / "plugins";
  std::unique_ptr<PluginRegistry> registry_;
};

TEST_F(PluginRegistryTest, LoadsARealProviderAndItAnswers) {
  auto loaded = registry_->load("providers/mock.so", "mock", nlohmann::json::object());
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_NE((*loaded)->provider, nullptr);
  EXPECT_EQ((*loaded)->kind, plugin::PluginKind::provider);
  EXPECT_EQ((*loaded)->sha256.size(), 64u);
  plugin::ChatRequest request;
  request.messages = {{"user", "Tell me about lanterns", ""}};
  auto first = (*loaded)->provider->complete(request, {});
  auto second = (*loaded)->provider->complete(request, {});
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->content, second->content);  // deterministic
  EXPECT_GT(first->usage.input_tokens, 0);
  EXPECT_GT(first->usage.output_tokens, 0);
}

TEST_F(PluginRegistryTest, RefusesWrongMajorVersion) {
  auto message = refusal("middleware/wrong-major.so");
  EXPECT_NE(
      message.find(("major version mismatch: host supports " + kHostApi + ", plugin was built for " + kNextMajor)),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("wrong-major.so"), std::string::npos) << message;
}

TEST_F(PluginRegistryTest, RefusesNewerMinorVersion) {
  auto message = refusal("middleware/newer-minor.so");
  EXPECT_NE(
      message.find(("minor version too new: host supports up to " + kHostApi + ", plugin was built for " + kNextMinor)),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("newer-minor.so"), std::string::npos) << message;
}

TEST_F(PluginRegistryTest, RefusesOtherAbiTag) {
  auto message = refusal("middleware/wrong-abi.so");
  EXPECT_NE(message.find("ABI tag mismatch"), std::string::npos) << message;
  EXPECT_NE(message.find("gcc 0.0"), std::string::npos) << message;
  EXPECT_NE(message.find(plugin::kAbiTag), std::string::npos) << message;
}

TEST_F(PluginRegistryTest, RefusesThrowingFactoryWithItsMessage) {
  auto message = refusal("middleware/throwing-factory.so");
  EXPECT_NE(message.find("factory of \"throwing-factory\" 1.0.0 threw: cannot start: missing setting (test)"),
            std::string::npos)
      << message;
}

TEST_F(PluginRegistryTest, RefusesFailingSelfCheck) {
  auto message = refusal("middleware/failing-self-check.so");
  EXPECT_NE(message.find("self-check of \"failing-self-check\" 1.0.0 failed: pricing table unreadable (test)"),
            std::string::npos)
      << message;
}

TEST_F(PluginRegistryTest, RefusesInstanceOfAnotherKindThanDeclared) {
  auto message = refusal("middleware/wrong-kind.so");
  EXPECT_NE(message.find("does not implement the provider interface"), std::string::npos) << message;
}

TEST_F(PluginRegistryTest, RefusesDuplicateName) {
  ASSERT_TRUE(registry_->load("providers/mock.so", "", nlohmann::json::object()));
  auto duplicate = registry_->load("middleware/duplicate-mock.so", "", nlohmann::json::object());
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().kind, PluginError::Kind::duplicate);
  EXPECT_NE(duplicate.error().message.find("\"mock\" is already loaded"), std::string::npos);
  EXPECT_EQ(registry_->snapshot()->find("mock")->version, "1.0.0");  // the first one still serves
}

TEST_F(PluginRegistryTest, RefusesFilesOutsideThePluginFolder) {
  auto outside = registry_->load("../../../etc/passwd", "", nlohmann::json::object());
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().kind, PluginError::Kind::invalid);
}

TEST_F(PluginRegistryTest, RefusesAFileThatIsNotAPlugin) {
  std::ofstream(plugins_ / "providers" / "garbage.so") << "not an ELF file";
  EXPECT_NE(refusal("providers/garbage.so").find("cannot load library"), std::string::npos);
}

TEST_F(PluginRegistryTest, RefusedPluginLeavesNoLibraryMapped) {
  refusal("middleware/throwing-factory.so");
  refusal("middleware/failing-self-check.so");
  for (const auto& entry : fs::directory_iterator(temp_.path() / "private")) {
    ADD_FAILURE() << "private copy left behind: " << entry.path();
  }
}

TEST_F(PluginRegistryTest, ReplacedVersionLivesUntilItsLastRequestEnds) {
  ASSERT_TRUE(registry_->load("frameworks/echo-v1.so", "echo", nlohmann::json::object()));
  SnapshotLease held = registry_->lease();  // a request that started on v1
  PluginPtr v1 = held->find("echo");
  const fs::path v1_copy = v1->private_copy;
  EXPECT_EQ(v1->in_flight.load(), 1);

  auto v2 = registry_->reload("echo", std::string("frameworks/echo-v2.so"), std::nullopt);
  ASSERT_TRUE(v2) << v2.error().message;
  EXPECT_EQ((*v2)->version, "2.0.0");
  EXPECT_EQ(registry_->snapshot()->find("echo")->version, "2.0.0");

  // The old request still runs on v1, whose library is still mapped.
  auto answer = v1->framework->run({"echo", {{"text", "hi"}}, "", ""});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->text, "echo 1.0.0: hi");
  EXPECT_TRUE(mapped(v1_copy));
  {
    auto versions = registry_->versions();
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_FALSE(versions[1].current);
  }

  v1.reset();
  held = SnapshotLease();  // the request ends
  EXPECT_FALSE(mapped(v1_copy)) << "v1 still mapped after its last request ended";
  EXPECT_FALSE(fs::exists(v1_copy));
  EXPECT_EQ(registry_->versions().size(), 1u);
}

TEST_F(PluginRegistryTest, FailedReloadKeepsTheOldVersionServing) {
  ASSERT_TRUE(registry_->load("frameworks/echo-v1.so", "echo", nlohmann::json::object()));
  auto failed = registry_->reload("echo", std::string("middleware/throwing-factory.so"), std::nullopt);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, PluginError::Kind::refused);
  EXPECT_NE(failed.error().message.find("expected \"echo\""), std::string::npos) << failed.error().message;
  auto current = registry_->snapshot()->find("echo");
  ASSERT_TRUE(current);
  EXPECT_EQ(current->version, "1.0.0");
}

TEST_F(PluginRegistryTest, UnloadRemovesThePluginFromNewSnapshots) {
  ASSERT_TRUE(registry_->load("providers/mock.so", "", nlohmann::json::object()));
  ASSERT_TRUE(registry_->unload("mock"));
  EXPECT_EQ(registry_->snapshot()->find("mock"), nullptr);
  EXPECT_EQ(registry_->unload("mock").error().kind, PluginError::Kind::not_found);
}

TEST_F(PluginRegistryTest, PluginsExportOnlyTheirTwoEntryPoints) {
  // Hidden visibility plus the version script: nothing else leaks, and no STB_GNU_UNIQUE
  // symbol makes a library impossible to unload.
  for (const auto& entry : fs::recursive_directory_iterator(SWITCHBOARD_PLUGIN_DIR)) {
    if (entry.path().extension() != ".so") continue;
    const std::string command = "readelf --dyn-syms --wide '" + entry.path().string() +
                                "' | awk '$7 != \"UND\" && ($5 == \"GLOBAL\" || $5 == \"WEAK\" || $5 == \"UNIQUE\") "
                                "{print $5, $8}' | sort";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[512];
    while (fgets(buffer, sizeof buffer, pipe)) out += buffer;
    pclose(pipe);
    EXPECT_EQ(out, "WEAK switchboard_plugin_factory\nWEAK switchboard_plugin_info\n") << entry.path();
  }
}

}  // namespace
}  // namespace switchboard
