#pragma once
// How `jobs submit --wait` shows a job on stderr while it waits. A job reports its status
// (pending, processing, completed, failed), not a fraction done, so on a terminal the bar
// advances by stage and a spinner and the time waited show it is alive; elsewhere (a pipe, a
// log file) a plain line is written each time the status changes.

#include <cstdio>
#include <string>
#include <string_view>

namespace sbctl {

// One frame of the bar, e.g. "[################--------] processing 3.2s |": `tick` turns the
// spinner; a finished job's frame is full and has no spinner.
std::string progress_frame(std::string_view status, double seconds, unsigned tick, int width = 24);

class ProgressReporter {
 public:
  ProgressReporter(std::FILE* out, bool terminal, std::string job_id);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void update(const std::string& status, double seconds);
  // Ends the bar's line, so what follows starts on a fresh one.
  void finish();

 private:
  std::FILE* out_;
  bool terminal_;
  std::string job_id_;
  std::string last_status_;
  unsigned tick_ = 0;
  bool line_open_ = false;
};

}  // namespace sbctl
