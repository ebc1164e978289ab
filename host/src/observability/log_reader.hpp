#pragma once
// Reads the JSON log file back for GET /internal/logs: newest lines first, filtered by level,
// request id, trace id and time, across the rotated files, scanning a bounded number of bytes.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace switchboard {

struct LogQuery {
  int min_level = 0;        // 0 trace, 1 debug, 2 info, 3 warn, 4 error
  std::string request_id;   // exact; empty: any
  std::string trace_id;     // exact; empty: any
  std::string since;        // "YYYY-MM-DDTHH:MM:SS.mmmZ"; empty: any time
  std::size_t limit = 100;  // 1 to kMaxLogLimit
};
inline constexpr std::size_t kMaxLogLimit = 1000;

// The query from URL parameters level, request_id, trace_id, since (an ISO-8601 UTC time
// or a look-back such as 30s, 15m, 2h, 7d) and limit; an error names the parameter.
tl::expected<LogQuery, std::string> parse_log_query(const std::map<std::string, std::string>& parameters,
                                                    std::chrono::system_clock::time_point now);

struct LogPage {
  std::vector<nlohmann::json> lines;  // newest first
  bool truncated = false;             // the limit or the scan budget stopped the search
  std::size_t scanned_bytes = 0;
};

// Adds the matching lines of `text` (a log file's tail; lines oldest first) to `page`, newest
// first. Returns false once nothing older can match (the limit is reached, or a line older
// than `since` was seen).
bool collect_log_lines(std::string_view text, const LogQuery& query, LogPage& page);

// The log file and its rotated predecessors (file.1.ext, file.2.ext, …), newest first, reading
// at most `max_scan_bytes` from their ends.
LogPage read_logs(const std::filesystem::path& file, int max_files, const LogQuery& query, std::size_t max_scan_bytes);

}  // namespace switchboard
