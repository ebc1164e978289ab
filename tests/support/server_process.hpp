#pragma once
// Starts the real `switchboard` binary on an ephemeral port for integration tests, with
// its own data folder, and stops it with a signal.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace switchboard::test {

struct ServerOptions {
  std::string config_yaml;                         // written to a file and passed with --config
  std::vector<std::string> extra_args;             // more arguments for `serve`
  std::map<std::string, std::string> environment;  // added to a clean environment
  std::filesystem::path plugin_dir;                // empty: the build's plugin folder
};

// Runs `switchboard <args>` to completion; returns its exit status and combined output.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_switchboard(const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& environment = {});

class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options = {});
  ~ServerProcess();

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string admin_token() const;
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::string log() const;
  // Sends `signal` and waits; returns the exit status (or 128+signal when killed).
  int stop(int signal = 15);

 private:
  void read_output(int fd);

  std::filesystem::path root_;
  std::filesystem::path data_dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::thread reader_;
  mutable std::mutex log_mutex_;
  std::string log_;
};

// Copies the build's plugins and the test-only plugins into `folder` (as <kind>/<file>.so),
// so a server can load both from one plugin folder. Returns `folder`.
std::filesystem::path assemble_plugin_dir(const std::filesystem::path& folder);

// A temporary folder removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace switchboard::test
