#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <regex>
#include <stdexcept>

#include <gtest/gtest.h>

namespace switchboard::test {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> make_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (const char* keep : {"PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"}) {
    if (const char* value = std::getenv(keep)) env.push_back(std::string(keep) + "=" + value);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

// fork + exec with stdout and stderr into a pipe; returns the child's pid and read end.
std::pair<pid_t, int> spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
                            const fs::path& cwd) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  return {pid, pipe_fds[0]};
}

int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

TempDir::TempDir() {
  std::random_device random;
  path_ = fs::temp_directory_path() / ("switchboard-test-" + std::to_string(random()) + std::to_string(getpid()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

fs::path assemble_plugin_dir(const fs::path& folder) {
  for (const auto& dir : {fs::path(SWITCHBOARD_PLUGIN_DIR), fs::path(SWITCHBOARD_TEST_PLUGIN_DIR)}) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().extension() != ".so") continue;
      const fs::path target = folder / entry.path().parent_path().filename() / entry.path().filename();
      fs::create_directories(target.parent_path());
      fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing);
    }
  }
  return folder;
}

CommandResult run_switchboard(const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& environment) {
  std::vector<std::string> argv{SWITCHBOARD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  auto [pid, fd] = spawn(argv, make_environment(environment), fs::temp_directory_path());
  CommandResult result;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) result.output.append(buffer, static_cast<std::size_t>(n));
  close(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = exit_status(status);
  return result;
}

ServerProcess::ServerProcess(ServerOptions options) {
  std::random_device random;
  root_ = fs::temp_directory_path() / ("switchboard-server-" + std::to_string(random()) + std::to_string(getpid()));
  data_dir_ = root_ / "data";
  fs::create_directories(data_dir_);
  std::vector<std::string> args{
      SWITCHBOARD_BINARY,
      "serve",
      "--port",
      "0",
      "--data-dir",
      data_dir_.string(),
      "--plugin-dir",
      options.plugin_dir.empty() ? std::string(SWITCHBOARD_PLUGIN_DIR) : options.plugin_dir.string()};
  if (!options.config_yaml.empty()) {
    const fs::path config = root_ / "switchboard.yaml";
    std::ofstream(config) << options.config_yaml;
    args.push_back("--config");
    args.push_back(config.string());
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  auto environment = options.environment;
  environment.emplace("SWITCHBOARD_CONFIG_DIR", SWITCHBOARD_CONFIG_DIR);
  auto [pid, fd] = spawn(args, make_environment(environment), root_);
  pid_ = pid;
  reader_ = std::thread([this, fd = fd] { read_output(fd); });

  static const std::regex listening(R"re("message":"listening".*"port":(\d+))re");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const std::string text = log();
    if (std::regex_search(text, match, listening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      reader_.join();
      throw std::runtime_error("switchboard exited before listening:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop(SIGKILL);
  throw std::runtime_error("switchboard did not start listening within 30 s:\n" + log());
}

ServerProcess::~ServerProcess() {
  // A server that does not exit 0 on SIGTERM crashed, hung or (under ASan) reported an
  // error or a leak: that fails the test that used it.
  const bool running = pid_ > 0;
  const int code = stop(SIGTERM);
  if (running && code != 0) {
    const std::string text = log();
    ADD_FAILURE() << "switchboard exited with status " << code << " on SIGTERM; last output:\n"
                  << text.substr(text.size() > 6000 ? text.size() - 6000 : 0);
  }
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

void ServerProcess::read_output(int fd) {
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) {
    std::lock_guard lock(log_mutex_);
    log_.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
}

std::string ServerProcess::log() const {
  std::lock_guard lock(log_mutex_);
  return log_;
}

std::string ServerProcess::admin_token() const {
  std::ifstream in(data_dir_ / "admin.token");
  std::string token;
  std::getline(in, token);
  return token;
}

int ServerProcess::stop(int signal) {
  int code = -1;
  if (pid_ > 0) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    code = exit_status(status);
    pid_ = -1;
  }
  if (reader_.joinable()) reader_.join();
  return code;
}

}  // namespace switchboard::test
