// sbctl through the real binary against the real server (offline mock, SQLite in a temporary
// folder, the `auth` middleware on): every command, its --json output parsed and checked, its
// human output where it is the point (the usage table), and its exit codes.
#include <fcntl.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "../support/free_port.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* kConfig = R"(
plugins:
  - {name: mock, file: providers/mock.so, config: {latency_ms: 150}}
  - {name: price-table, file: cost/price-table.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: auth, file: middleware/auth.so}
middleware: [auth]
providers:
  - {name: priced-mock, plugin: mock, model: gpt-4o-mini, cost_model: price-table}
default_provider: priced-mock
)";

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
  // stdout as JSON, kept here so loops over its parts do not outlive it; non-const so that
  // a missing key reads as null instead of asserting.
  json& parsed() const { return document; }
  mutable json document;
};

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int wait_status(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class Sbctl : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plugins_ = new TempDir();
    server_ = new ServerProcess({kConfig,
                                 {},
                                 {{"JWT_SECRET", "sbctl-integration-secret-of-32-characters-or-more"}},
                                 assemble_plugin_dir(plugins_->path())});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete plugins_;
  }

  // sbctl with a clean environment, run in an empty folder (so no ./data/admin.token is
  // found by accident); stdout and stderr apart, through files so neither pipe can fill.
  Outcome sbctl(std::vector<std::string> args, const std::map<std::string, std::string>& environment = {},
                int stderr_fd = -1) {
    std::vector<std::string> argv{SBCTL_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env{"PATH=/usr/bin:/bin"};
    // The sanitizer builds' settings reach sbctl as they reach the server.
    for (const char* keep : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
      if (const char* value = std::getenv(keep)) env.push_back(std::string(keep) + "=" + value);
    }
    for (const auto& [name, value] : environment) env.push_back(name + "=" + value);
    std::vector<char*> argv_c, env_c;
    for (auto& a : argv) argv_c.push_back(a.data());
    argv_c.push_back(nullptr);
    for (auto& e : env) env_c.push_back(e.data());
    env_c.push_back(nullptr);
    const fs::path out = work_.path() / "stdout", err = work_.path() / "stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, work_.path().c_str());
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (stderr_fd >= 0) {
      posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    } else {
      posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    }
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, argv_c[0], &actions, nullptr, argv_c.data(), env_c.data());
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(spawned, 0) << "cannot start " << SBCTL_BINARY;
    Outcome run;
    if (spawned != 0) return run;
    run.exit_code = wait_status(pid);
    run.out = slurp(out);
    run.document = json::parse(run.out, nullptr, false);
    run.err = stderr_fd >= 0 ? "" : slurp(err);
    return run;
  }

  // sbctl against the suite's server with its admin token (from the file the server wrote).
  Outcome admin(std::vector<std::string> args) {
    args.insert(args.begin(),
                {"--url", server_->base_url(), "--token-file", (server_->data_dir() / "admin.token").string()});
    return sbctl(std::move(args));
  }
  Outcome with_key(const std::string& key, std::vector<std::string> args) {
    args.insert(args.begin(), {"--url", server_->base_url(), "--api-key", key});
    return sbctl(std::move(args));
  }

  std::string new_key(const std::string& name) {
    const Outcome created = admin({"keys", "create", name, "--json"});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    return created.parsed().value("key", "");
  }

  static TempDir* plugins_;
  static ServerProcess* server_;
  TempDir work_;
};
TempDir* Sbctl::plugins_ = nullptr;
ServerProcess* Sbctl::server_ = nullptr;

TEST_F(Sbctl, HealthReportsAReadyServer) {
  const Outcome run = sbctl({"--url", server_->base_url(), "health", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json answer = run.parsed();
  EXPECT_EQ(answer["health"]["status"], "healthy");
  EXPECT_EQ(answer["ready"]["status"], "ready");
  EXPECT_EQ(answer["ready"]["checks"]["provider"]["instance"], "priced-mock");

  const Outcome human = sbctl({"--url", server_->base_url(), "health"});
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("status:      healthy"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("ready:       ready"), std::string::npos) << human.out;
}

TEST_F(Sbctl, PluginsAreCheckedLoadedReloadedAndUnloaded) {
  Outcome run = admin({"plugins", "check", "frameworks/echo-v1.so", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.parsed()["name"], "echo");
  EXPECT_EQ(run.parsed()["version"], "1.0.0");
  EXPECT_EQ(run.parsed()["kind"], "framework");
  EXPECT_TRUE(run.parsed()["loaded"].is_null());
  // Checked, not loaded.
  run = admin({"plugins", "list", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const auto& p : run.parsed()["plugins"]) EXPECT_NE(p["name"], "echo");

  run = admin({"plugins", "check", "middleware/wrong-major.so"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("422 PLUGIN_REFUSED: plugin-api major version mismatch"), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
  run = admin({"plugins", "check", "middleware/wrong-major.so", "--json"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.parsed()["error"]["code"], "PLUGIN_REFUSED") << run.out;
  // What check does not cover, as documented: the factory runs only on load.
  run = admin({"plugins", "check", "middleware/throwing-factory.so"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("verdict:     this server would accept it"), std::string::npos) << run.out;
  run = admin({"plugins", "load", "middleware/throwing-factory.so"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("threw"), std::string::npos) << run.err;
  run = admin({"plugins", "check", "../../../etc/passwd"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("outside the plugin folder"), std::string::npos) << run.err;

  run = admin({"plugins", "load", "frameworks/echo-v1.so", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto first_generation = run.parsed()["generation"].get<std::uint64_t>();
  EXPECT_EQ(run.parsed()["state"], "active");

  run = admin({"plugins", "check", "frameworks/echo-v2.so", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.parsed()["version"], "2.0.0");
  EXPECT_EQ(run.parsed()["loaded"]["version"], "1.0.0");
  EXPECT_EQ(run.parsed()["loaded"]["generation"], first_generation);

  run = admin({"plugins", "reload", "echo", "--file", "frameworks/echo-v2.so", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GT(run.parsed()["generation"].get<std::uint64_t>(), first_generation);
  EXPECT_EQ(run.parsed()["version"], "2.0.0");
  EXPECT_EQ(run.parsed()["previous_version"], "1.0.0");
  const auto second_generation = run.parsed()["generation"].get<std::uint64_t>();

  run = admin({"plugins", "reload", "echo"});  // the same file again: a new generation
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("reloaded echo: 2.0.0 -> 2.0.0"), std::string::npos) << run.out;
  run = admin({"plugins", "list", "--json"});
  bool active = false;
  for (const auto& p : run.parsed()["plugins"]) {
    if (p["name"] == "echo" && p["state"] == "active") {
      active = true;
      EXPECT_GT(p["generation"].get<std::uint64_t>(), second_generation);
    }
  }
  EXPECT_TRUE(active) << run.out;

  run = admin({"plugins", "list"});
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out.rfind("NAME", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("\necho "), std::string::npos) << run.out;

  run = admin({"plugins", "unload", "echo", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.parsed()["unloaded"], "echo");
  run = admin({"plugins", "list", "--json"});
  for (const auto& p : run.parsed()["plugins"]) EXPECT_FALSE(p["name"] == "echo" && p["state"] == "active");
  run = admin({"plugins", "unload", "echo"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("404 NOT_FOUND"), std::string::npos) << run.err;
}

TEST_F(Sbctl, KeysAreCreatedListedRevokedAndThenRefused) {
  Outcome run = admin({"keys", "create", "ci", "--team", "platform", "--rate-limit", "500", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string key = run.parsed()["key"];
  const std::string id = run.parsed()["id"];
  ASSERT_TRUE(key.starts_with("sk_")) << run.out;
  EXPECT_EQ(run.parsed()["team"], "platform");

  // Human form: the key alone on stdout, for KEY=$(sbctl keys create ...).
  const Outcome human = admin({"keys", "create", "script"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_TRUE(human.out.starts_with("sk_")) << human.out;
  EXPECT_EQ(human.out.find('\n'), human.out.size() - 1) << human.out;
  EXPECT_NE(human.err.find("shown this once"), std::string::npos) << human.err;

  run = admin({"keys", "list", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find(key), std::string::npos) << "the key is never listed";
  bool listed = false;
  for (const auto& k : run.parsed()["keys"]) {
    if (k["id"] != id) continue;
    listed = true;
    EXPECT_EQ(k["name"], "ci");
    EXPECT_EQ(k["active"], true);
    EXPECT_EQ(k["rate_limit_per_hour"], 500);
  }
  EXPECT_TRUE(listed) << run.out;
  run = admin({"keys", "list"});
  EXPECT_EQ(run.out.rfind("ID", 0), 0u) << run.out;
  EXPECT_NE(run.out.find(id), std::string::npos) << run.out;

  EXPECT_EQ(with_key(key, {"usage", "--json"}).exit_code, 0) << "the key works before it is revoked";

  run = admin({"keys", "revoke", id, "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.parsed()["active"], false);
  run = admin({"keys", "list", "--json"});
  for (const auto& k : run.parsed()["keys"]) {
    if (k["id"] == id) {
      EXPECT_EQ(k["active"], false);
    }
  }

  run = with_key(key, {"usage"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("401 UNAUTHORIZED"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(key), std::string::npos) << "the key is never printed";
  run = admin({"keys", "revoke", "no-such-key"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("404 NOT_FOUND"), std::string::npos) << run.err;
}

TEST_F(Sbctl, UsageAfterAStoryShowsItsFramework) {
  const std::string key = new_key("usage");
  HttpClient client(server_->base_url());
  auto story = client.post("/api/semantic-kernel", R"({"primary_character": "Ada", "secondary_character": "Bob"})",
                           {"X-API-Key: " + key});
  ASSERT_EQ(story.status, 200) << story.body;

  Outcome run = with_key(key, {"usage", "--framework", "kernel", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json kernel = run.parsed()["by_framework"]["kernel"];
  EXPECT_GE(kernel["requests"].get<int>(), 1) << run.out;
  EXPECT_GT(kernel["tokens"].get<int>(), 0);
  EXPECT_GT(kernel["cost_usd"].get<double>(), 0.0) << "priced as gpt-4o-mini";

  run = with_key(key, {"usage", "--by-day"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.out);
  std::string line, header, kernel_row, total_row;
  while (std::getline(lines, line)) {
    if (line.starts_with("FRAMEWORK")) header = line;
    if (line.starts_with("kernel ")) kernel_row = line;
    if (line.starts_with("TOTAL ")) total_row = line;
  }
  EXPECT_TRUE(std::regex_match(header, std::regex("FRAMEWORK +REQUESTS +TOKENS +COST_USD"))) << run.out;
  EXPECT_FALSE(kernel_row.empty()) << run.out;
  EXPECT_FALSE(total_row.empty()) << run.out;
  // Right-aligned numbers: the cost column ends each row at the same place as its header.
  EXPECT_EQ(kernel_row.size(), header.size()) << run.out;
  EXPECT_NE(run.out.find("DATE"), std::string::npos) << run.out;

  run = with_key(key, {"usage", "--from", "2026-02-30"});
  EXPECT_EQ(run.exit_code, 2) << "not a day: refused before asking the server";
  run = with_key(key, {"usage", "--from", "2026-11-20", "--to", "2026-11-10"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("422 VALIDATION_ERROR"), std::string::npos) << run.err;
}

TEST_F(Sbctl, AJobSubmittedWithWaitFinishesAndItsResultIsPrinted) {
  const std::string key = new_key("jobs");
  const std::string prompt = "Extract invoice details from Invoice #12345";
  Outcome run = with_key(key, {"jobs", "submit", "--prompt", prompt, "--wait", "--interval-ms", "100", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json job = run.parsed();
  EXPECT_EQ(job["status"], "completed") << run.out;
  EXPECT_TRUE(job["result"].is_object()) << run.out;
  EXPECT_EQ(job["result"]["validation_status"], "passed") << run.out;
  // Off a terminal, progress is plain status lines on stderr.
  EXPECT_NE(run.err.find("job " + job["job_id"].get<std::string>() + ": completed after"), std::string::npos)
      << run.err;

  // Human form: the result itself on stdout.
  run = with_key(key, {"jobs", "submit", "--type", "batch", "--prompt", "first", "--prompt", "second", "--wait"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json result = json::parse(run.out, nullptr, false);
  ASSERT_TRUE(result.is_object()) << run.out;
  EXPECT_EQ(result["summary"]["successful"], 2) << run.out;

  // Without --wait: the id, which `jobs get` follows.
  run = with_key(key, {"jobs", "submit", "--prompt", prompt});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string id = run.out.substr(0, run.out.find('\n'));
  run = with_key(key, {"jobs", "get", id, "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.parsed()["job_id"], id);

  // Not finished in time: exit 4, the last reading printed, the job left running.
  // (A prompt of its own: an answer from the cache could finish the job before the first poll.)
  run = with_key(key, {"jobs", "submit", "--prompt", "Extract invoice details from Invoice #999", "--wait", "--timeout",
                       "0.01", "--json"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.parsed()["status"], "completed") << run.out;
  EXPECT_NE(run.err.find("--timeout"), std::string::npos) << run.err;

  run = with_key(key, {"jobs", "submit", "--wait"});
  EXPECT_EQ(run.exit_code, 2) << "no prompt or params";
}

TEST_F(Sbctl, OnATerminalJobsWaitDrawsAProgressBar) {
  const std::string key = new_key("tty");
  int master = -1, slave = -1;
  ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  const Outcome run = sbctl({"--url", server_->base_url(), "--api-key", key, "jobs", "submit", "--prompt",
                             "Extract invoice details from Invoice #777", "--wait", "--interval-ms", "50"},
                            {}, slave);
  close(slave);
  std::string drawn;
  fcntl(master, F_SETFL, O_NONBLOCK);
  char buffer[4096];
  for (ssize_t n; (n = read(master, buffer, sizeof buffer)) > 0;) drawn.append(buffer, static_cast<std::size_t>(n));
  close(master);
  ASSERT_EQ(run.exit_code, 0) << drawn;
  EXPECT_NE(drawn.find("\r\033[2K"), std::string::npos) << "redrawn in place: " << drawn;
  EXPECT_NE(drawn.find("[########################] completed"), std::string::npos) << drawn;
  EXPECT_TRUE(json::parse(run.out, nullptr, false).is_object()) << "stdout keeps only the result: " << run.out;
}

TEST_F(Sbctl, MigrateShowsAndAppliesPendingStepsThroughTheServer) {
  // Revert the newest step beside the running server, as an operator would with the binary.
  const auto reverted = run_switchboard({"migrate", "down", "--data-dir", server_->data_dir().string()});
  ASSERT_EQ(reverted.exit_code, 0) << reverted.output;

  Outcome run = admin({"migrate", "status", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json schema = run.parsed();
  const int latest = schema["latest_version"];
  EXPECT_EQ(schema["pending"], 1) << run.out;
  EXPECT_EQ(schema["current_version"], latest - 1);
  EXPECT_EQ(schema["migrations"].back()["applied"], false);
  EXPECT_TRUE(schema["migrations"].front()["applied_at"].is_string());

  run = admin({"migrate", "status"});
  EXPECT_NE(run.out.find("1 pending"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("pending  -"), std::string::npos) << run.out;

  run = admin({"migrate", "up", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  schema = run.parsed();
  EXPECT_EQ(schema["applied"], 1);
  EXPECT_EQ(schema["pending"], 0);
  EXPECT_EQ(schema["current_version"], latest);
  EXPECT_EQ(schema["migrations"].back()["applied"], true);

  run = admin({"migrate", "up"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("applied 0 migration(s)"), std::string::npos) << run.out;

  run = admin({"migrate", "down", "1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("switchboard migrate down"), std::string::npos) << run.err;
}

TEST_F(Sbctl, ExitCodesSayWhatWentWrong) {
  const std::string wrong = "not-the-admin-token-but-long-enough";
  Outcome run = sbctl({"--url", server_->base_url(), "--token", wrong, "plugins", "list"});
  EXPECT_EQ(run.exit_code, 1) << "a bad token is the server's refusal";
  EXPECT_NE(run.err.find("403 FORBIDDEN: invalid admin token"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(wrong), std::string::npos) << "the token is never printed";
  run = sbctl({"--url", server_->base_url(), "--token", wrong, "keys", "list", "--json"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.parsed()["error"]["code"], "FORBIDDEN") << run.out;

  const std::string nowhere = "http://127.0.0.1:" + std::to_string(free_port());
  run = sbctl({"--url", nowhere, "health"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("cannot reach " + nowhere), std::string::npos) << run.err;
  run = sbctl({"--url", nowhere, "--token", wrong, "plugins", "list", "--json"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.parsed()["error"]["code"], "UNREACHABLE") << run.out;
  // $SWITCHBOARD_URL is the default --url.
  EXPECT_EQ(sbctl({"health"}, {{"SWITCHBOARD_URL", nowhere}}).exit_code, 3);
  EXPECT_EQ(sbctl({"health"}, {{"SWITCHBOARD_URL", server_->base_url()}}).exit_code, 0);

  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"plugins"},
           {"frobnicate"},
           {"keys", "create"},
           {"--token", "t", "--token-file", "f", "plugins", "list"},
           {"--token", "t", "plugins", "load", "x.so", "--config", "{not json"},
           {"jobs", "submit", "--type", "nonsense", "--prompt", "x"},
       }) {
    run = sbctl(bad);
    EXPECT_EQ(run.exit_code, 2) << testing::PrintToString(bad) << ": " << run.err;
  }
  // An admin command with no token anywhere is refused before the server is asked.
  run = sbctl({"--url", nowhere, "plugins", "list"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("no admin token"), std::string::npos) << run.err;
  // The token may come from the environment.
  run = sbctl({"--url", server_->base_url(), "plugins", "list", "--json"},
              {{"SWITCHBOARD_ADMIN_TOKEN", server_->admin_token()}});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

}  // namespace
}  // namespace switchboard::test
