#pragma once
// sbctl's exit codes, documented in --help and tools/sbctl/README.md; scripts rely on them.

namespace sbctl {

enum ExitCode : int {
  kOk = 0,
  kServerError = 1,  // the server answered an error (non-2xx), or a check it ran failed
  kUsage = 2,        // bad arguments, or what they name is unusable (no token, bad JSON, unreadable file)
  kUnreachable = 3,  // no HTTP answer: cannot connect, name not resolved, timed out
  kJobFailed = 4,    // jobs submit --wait: the job failed, or was not finished within --timeout
};

}  // namespace sbctl
