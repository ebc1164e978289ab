#include "progress.hpp"

#include <algorithm>

namespace sbctl {
namespace {

// How far along the job's life its status is: submitted, queued, running, done.
int stage_of(std::string_view status) {
  if (status == "pending") return 1;
  if (status == "processing") return 2;
  if (status == "completed" || status == "failed") return 3;
  return 0;
}

bool finished(std::string_view status) { return stage_of(status) == 3; }

}  // namespace

std::string progress_frame(std::string_view status, double seconds, unsigned tick, int width) {
  static constexpr char kSpinner[] = {'|', '/', '-', '\\'};
  const int filled = std::clamp(width * stage_of(status) / 3, 0, width);
  std::string frame = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                      std::string(static_cast<std::size_t>(width - filled), '-') + "] " + std::string(status);
  char time[32];
  std::snprintf(time, sizeof time, " %.1fs", seconds);
  frame += time;
  if (!finished(status)) frame += std::string(" ") + kSpinner[tick % 4];
  return frame;
}

ProgressReporter::ProgressReporter(std::FILE* out, bool terminal, std::string job_id)
    : out_(out), terminal_(terminal), job_id_(std::move(job_id)) {}

ProgressReporter::~ProgressReporter() { finish(); }

void ProgressReporter::update(const std::string& status, double seconds) {
  if (terminal_) {
    // \r and erase-line redraw the frame in place.
    std::fprintf(out_, "\r\033[2Kjob %s %s", job_id_.c_str(), progress_frame(status, seconds, tick_++).c_str());
    line_open_ = true;
  } else if (status != last_status_) {
    std::fprintf(out_, "job %s: %s after %.1fs\n", job_id_.c_str(), status.c_str(), seconds);
  }
  last_status_ = status;
  std::fflush(out_);
}

void ProgressReporter::finish() {
  if (!line_open_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  line_open_ = false;
}

}  // namespace sbctl
