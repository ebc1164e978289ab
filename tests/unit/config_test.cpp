#include <switchboard/config.hpp>

#include <gtest/gtest.h>

namespace switchboard {
namespace {

Config load_ok(const std::string& yaml, const Environment& env = {}) {
  auto config = load_config_text(yaml, env);
  EXPECT_TRUE(config) << (config ? "" : config.error().to_string());
  return config ? *config : Config{};
}

ConfigError load_error(const std::string& yaml, const Environment& env = {}) {
  auto config = load_config_text(yaml, env);
  EXPECT_FALSE(config) << "expected a configuration error";
  return config ? ConfigError{} : config.error();
}

TEST(Config, EmbeddedDefaultsAreSafeAndOffline) {
  Config config = load_ok("");
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.server.port, 8000);
  EXPECT_EQ(config.paths.data_dir, "./data");
  EXPECT_EQ(config.default_provider, "mock");
  ASSERT_EQ(config.providers.size(), 1u);
  EXPECT_EQ(config.providers[0].plugin, "mock");
  EXPECT_EQ(config.middleware, (std::vector<std::string>{"security-headers", "body-limit"}));
  EXPECT_TRUE(config.storage.url.empty());
}

TEST(Config, FileOverlaysDefaultsKeyByKey) {
  Config config = load_ok("server:\n  port: 9100\n");
  EXPECT_EQ(config.server.port, 9100);
  EXPECT_EQ(config.server.host, "127.0.0.1");  // untouched sibling keeps its default
}

TEST(Config, EnvironmentOverridesFile) {
  Config config = load_ok("server:\n  port: 9100\n", {{"SWITCHBOARD_PORT", "9200"}, {"LOG_LEVEL", "debug"}});
  EXPECT_EQ(config.server.port, 9200);
  EXPECT_EQ(config.logging.level, "debug");
}

TEST(Config, DocsUiFolderComesFromTheFileOrItsVariable) {
  EXPECT_TRUE(load_ok("").paths.docs_ui_dir.empty());  // found beside the build or the working folder
  EXPECT_EQ(load_ok("paths:\n  docs_ui_dir: /srv/ui\n").paths.docs_ui_dir, "/srv/ui");
  EXPECT_EQ(load_ok("paths:\n  docs_ui_dir: /srv/ui\n", {{"SWITCHBOARD_DOCS_UI_DIR", "/opt/ui"}}).paths.docs_ui_dir,
            "/opt/ui");
}

TEST(Config, GenericDoubleUnderscoreVariableSetsAnyKey) {
  Config config = load_ok("", {{"SWITCHBOARD__SERVER__THREADS", "6"}});
  EXPECT_EQ(config.server.threads, 6);
}

TEST(Config, BadPortNamesTheKeyAndTheVariable) {
  auto error = load_error("", {{"SWITCHBOARD_PORT", "eighty"}});
  EXPECT_EQ(error.key, "server.port");
  EXPECT_NE(error.message.find("SWITCHBOARD_PORT"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("eighty"), std::string::npos) << error.message;
}

TEST(Config, PortOutOfRangeInFileNamesTheKey) {
  auto error = load_error("server:\n  port: 70000\n");
  EXPECT_EQ(error.key, "server.port");
  EXPECT_NE(error.message.find("65535"), std::string::npos);
}

TEST(Config, UnknownSectionIsAnError) {
  auto error = load_error("sever:\n  port: 1\n");
  EXPECT_EQ(error.key, "sever");
}

TEST(Config, InvalidYamlIsReported) {
  auto error = load_error("server: [unclosed\n");
  EXPECT_NE(error.message.find("invalid YAML"), std::string::npos) << error.message;
}

TEST(Config, LogLevelMustBeKnown) {
  auto error = load_error("", {{"LOG_LEVEL", "loud"}});
  EXPECT_EQ(error.key, "logging.level");
  EXPECT_NE(error.message.find("LOG_LEVEL"), std::string::npos);
}

TEST(Config, DatabaseUrlMustNameAKnownStore) {
  auto error = load_error("", {{"DATABASE_URL", "mysql://x"}});
  EXPECT_EQ(error.key, "storage.url");
  EXPECT_NE(error.message.find("DATABASE_URL"), std::string::npos);
  EXPECT_EQ(load_ok("", {{"DATABASE_URL", "postgresql://u@127.0.0.1/db"}}).storage.url, "postgresql://u@127.0.0.1/db");
}

TEST(Config, MiddlewareMustBeAPluginToLoad) {
  auto error = load_error("middleware: [security-headers, nonexistent]\n");
  EXPECT_EQ(error.key, "middleware[1]");
}

// /metrics shows every tenant's figures: behind the admin token once `auth` tells tenants
// apart, public in the single-user default, and what the operator says when said.
TEST(Config, MetricsWantTheAdminTokenWhenAuthIsOn) {
  EXPECT_FALSE(load_ok("").metrics.require_token);
  EXPECT_TRUE(load_ok("middleware: [auth]\n").metrics.require_token);
  EXPECT_FALSE(load_ok("middleware: [auth]\nmetrics: {require_token: false}\n").metrics.require_token);
  EXPECT_TRUE(load_ok("metrics: {require_token: true}\n").metrics.require_token);
}

TEST(Config, PluginEntriesNeedFileAndName) {
  EXPECT_EQ(load_error("plugins:\n  - name: x\n").key, "plugins[0].file");
  EXPECT_EQ(load_error("plugins:\n  - file: x.so\n").key, "plugins[0].name");
  EXPECT_EQ(load_error("plugins:\n  - {name: a, file: a.so}\n  - {name: a, file: b.so}\nmiddleware: []\n"
                       "providers: []\ndefault_provider: ''\n")
                .key,
            "plugins[1].name");
}

TEST(Config, DisabledPluginsAreSkipped) {
  Config config = load_ok("plugins:\n  - {name: mock, file: providers/mock.so, enabled: false}\nmiddleware: []\n");
  EXPECT_TRUE(config.plugins.empty());
}

TEST(Config, ShortAdminTokenIsRefused) {
  EXPECT_EQ(load_error("", {{"SWITCHBOARD_ADMIN_TOKEN", "short"}}).key, "server.admin_token");
}

TEST(Config, AdminTokenStaysTextEvenWhenNumeric) {
  EXPECT_EQ(load_ok("", {{"SWITCHBOARD_ADMIN_TOKEN", "12345678901234567890"}}).server.admin_token,
            "12345678901234567890");
}

TEST(Config, ProviderVariablesDefineAnOpenAiCompatibleDefault) {
  Config config = load_ok("", {{"PROVIDER_API_BASE_URL", "https://openrouter.ai/api/v1"},
                               {"PROVIDER_MODEL", "meta-llama/llama-3-8b-instruct"},
                               {"PROVIDER_NAME", "OpenRouter"}});
  ASSERT_EQ(config.providers.size(), 1u);
  EXPECT_EQ(config.default_provider, "default");
  EXPECT_EQ(config.providers[0].plugin, "openai");
  EXPECT_EQ(config.providers[0].base_url, "https://openrouter.ai/api/v1");
  EXPECT_EQ(config.providers[0].api_key_env, "PROVIDER_API_KEY");
  EXPECT_EQ(config.providers[0].model, "meta-llama/llama-3-8b-instruct");
  EXPECT_EQ(config.providers[0].display_name, "OpenRouter");
}

TEST(Config, ProviderModelWithoutUrlRenamesTheMockModel) {
  Config config = load_ok("", {{"PROVIDER_MODEL", "mock-large"}});
  EXPECT_EQ(config.providers[0].plugin, "mock");
  EXPECT_EQ(config.providers[0].model, "mock-large");
}

TEST(Config, DefaultProviderMustExist) { EXPECT_EQ(load_error("default_provider: nowhere\n").key, "default_provider"); }

TEST(Config, InvalidUtf8InABadValueIsReportedNotThrown) {
  // Found by fuzz_config: quoting the bad value in the message threw on invalid UTF-8.
  auto error = load_error("server:\n  port: \"80\x87\"\n");
  EXPECT_EQ(error.key, "server.port");
  auto from_env = load_error("", {{"SWITCHBOARD_PORT", "\x87\xff"}});
  EXPECT_EQ(from_env.key, "server.port");
}

TEST(Config, QuotedScalarsStayText) {
  Config config = load_ok("server:\n  environment: \"123\"\n");
  EXPECT_EQ(config.server.environment, "123");
}

}  // namespace
}  // namespace switchboard
