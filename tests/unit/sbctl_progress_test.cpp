// sbctl's job progress: the bar advances by stage, spins while the job is alive, and off a
// terminal only status changes are written.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "progress.hpp"

namespace sbctl {
namespace {

TEST(SbctlProgress, TheBarFillsByStage) {
  EXPECT_EQ(progress_frame("pending", 0.04, 0, 6), "[##----] pending 0.0s |");
  EXPECT_EQ(progress_frame("processing", 1.24, 1, 6), "[####--] processing 1.2s /");
  EXPECT_EQ(progress_frame("completed", 2.0, 2, 6), "[######] completed 2.0s");
  EXPECT_EQ(progress_frame("failed", 2.0, 3, 6), "[######] failed 2.0s");
  EXPECT_EQ(progress_frame("", 0.0, 3, 6), "[------]  0.0s \\");
}

TEST(SbctlProgress, TheSpinnerTurnsWithEachTick) {
  EXPECT_NE(progress_frame("processing", 1.0, 0), progress_frame("processing", 1.0, 1));
  EXPECT_EQ(progress_frame("processing", 1.0, 0), progress_frame("processing", 1.0, 4));
}

std::string written(bool terminal, void (*feed)(ProgressReporter&)) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  {
    ProgressReporter reporter(out, terminal, "job-1");
    feed(reporter);
  }
  std::fclose(out);
  std::string text(buffer, size);
  std::free(buffer);
  return text;
}

void pending_twice_then_completed(ProgressReporter& reporter) {
  reporter.update("pending", 0.0);
  reporter.update("pending", 0.5);
  reporter.update("processing", 1.0);
  reporter.update("completed", 1.5);
}

TEST(SbctlProgress, OffATerminalEachStatusIsOnePlainLine) {
  EXPECT_EQ(written(false, pending_twice_then_completed),
            "job job-1: pending after 0.0s\n"
            "job job-1: processing after 1.0s\n"
            "job job-1: completed after 1.5s\n");
}

TEST(SbctlProgress, OnATerminalTheBarIsRedrawnInPlaceAndEndsItsLine) {
  const std::string text = written(true, pending_twice_then_completed);
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line, ended once";
  EXPECT_EQ(text.substr(0, 5), "\r\033[2K");
  EXPECT_NE(text.find("job job-1 [########################] completed 1.5s\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace sbctl
