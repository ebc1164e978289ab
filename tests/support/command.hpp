#pragma once
// Runs a shell command for a test and collects what it printed.

#include <string>

namespace switchboard::test {

struct CommandOutput {
  int exit_code = -1;  // -1: it did not exit normally (or could not start)
  std::string output;  // stdout and stderr together
};

CommandOutput run_command(const std::string& command);

}  // namespace switchboard::test
