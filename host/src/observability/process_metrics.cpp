#include "observability/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <switchboard/metrics.hpp>

namespace switchboard {
namespace {

struct ProcessFigures {
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double threads = 0;
  double cpu_seconds = 0;
};

// /proc/self/stat: fields after the command name (which may hold spaces, so read from the
// last ')'): state is field 3, utime 14, stime 15, num_threads 20, vsize 23, rss 24 (pages).
ProcessFigures read_stat() {
  ProcessFigures figures;
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return figures;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  for (int index = 3; fields >> field; ++index) {
    if (index == 14 || index == 15) figures.cpu_seconds += std::stod(field) / ticks;
    if (index == 20) figures.threads = std::stod(field);
    if (index == 23) figures.virtual_bytes = std::stod(field);
    if (index == 24) {
      figures.resident_bytes = std::stod(field) * page;
      break;
    }
  }
  return figures;
}

double open_fds() {
  std::error_code error;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end; it.increment(error))
    ++count;
  return count;
}

}  // namespace

void add_process_metrics(MetricsRegistry& registry) {
  auto resident = registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes", {});
  auto virtual_memory = registry.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes", {});
  auto threads = registry.gauge("process_threads", "Threads of the process", {});
  auto fds = registry.gauge("process_open_fds", "Open file descriptors", {});
  auto max_fds = registry.gauge("process_max_fds", "Limit on open file descriptors", {});
  auto cpu = registry.counter("process_cpu_seconds_total", "User and system CPU time spent in seconds", {});
  auto start = registry.gauge("process_start_time_seconds", "Start time of the process since the Unix epoch", {});
  start->set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  // A counter only goes up: each scrape adds what was spent since the last one.
  auto cpu_seen = std::make_shared<double>(0.0);
  registry.on_collect([=] {
    const auto figures = read_stat();
    resident->set(figures.resident_bytes);
    virtual_memory->set(figures.virtual_bytes);
    threads->set(figures.threads);
    fds->set(open_fds());
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) max_fds->set(static_cast<double>(limit.rlim_cur));
    if (figures.cpu_seconds > *cpu_seen) {
      cpu->increment(figures.cpu_seconds - *cpu_seen);
      *cpu_seen = figures.cpu_seconds;
    }
  });
}

}  // namespace switchboard
