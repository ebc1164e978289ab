// Reading the JSON log back for /internal/logs: the query's parameters, filtering, newest
// first, the limit, and the rotated files.
#include <gtest/gtest.h>

#include <fstream>

#include "observability/log_reader.hpp"

namespace switchboard {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string line(const std::string& time, const std::string& level, const std::string& message,
                 const std::string& request_id = "") {
  json out = {{"timestamp", "2026-11-23T" + time + "Z"}, {"level", level}, {"message", message}};
  if (!request_id.empty()) out["request_id"] = request_id;
  return out.dump() + "\n";
}

std::vector<std::string> messages(const LogPage& page) {
  std::vector<std::string> out;
  for (const auto& l : page.lines) out.push_back(l["message"]);
  return out;
}

const auto kNow = std::chrono::system_clock::from_time_t(1'795'000'000);  // 2026-11-18T11:06:40Z

TEST(LogQuery, ReadsEveryParameterAndRefusesNonsense) {
  auto query = parse_log_query({{"level", "warn"},
                                {"request_id", "r1"},
                                {"trace_id", "t"},
                                {"since", "2026-11-23T06:00:00.5Z"},
                                {"limit", "50"}},
                               kNow);
  ASSERT_TRUE(query) << query.error();
  EXPECT_EQ(query->min_level, 3);
  EXPECT_EQ(query->request_id, "r1");
  EXPECT_EQ(query->trace_id, "t");
  EXPECT_EQ(query->since, "2026-11-23T06:00:00.500Z");
  EXPECT_EQ(query->limit, 50u);
  EXPECT_EQ(parse_log_query({{"since", "2026-11-23T06:00:00Z"}}, kNow)->since, "2026-11-23T06:00:00.000Z");
  EXPECT_EQ(parse_log_query({{"since", "90s"}}, kNow)->since, "2026-11-18T11:05:10.000Z");
  EXPECT_EQ(parse_log_query({}, kNow)->limit, 100u);

  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{{"level", "loud"},
                                                                                    {"since", "yesterday"},
                                                                                    {"since", "2026-13-01T00:00:00Z"},
                                                                                    {"since", "5w"},
                                                                                    {"limit", "0"},
                                                                                    {"limit", "1001"},
                                                                                    {"limit", "-1"},
                                                                                    {"colour", "red"}}) {
    auto refused = parse_log_query({{name, value}}, kNow);
    EXPECT_FALSE(refused) << name << "=" << value;
  }
}

TEST(LogLines, NewestFirstFilteredAndStoppingAtSince) {
  const std::string text = line("05:00:00.000", "error", "too old") + line("06:00:00.000", "info", "one", "r1") +
                           "not json\n" + line("06:00:01.000", "debug", "two", "r1") +
                           line("06:00:02.000", "error", "three", "r2") + line("06:00:03.000", "warn", "four", "r1");
  LogQuery query;
  query.since = "2026-11-23T06:00:00.000Z";
  LogPage all;
  EXPECT_FALSE(collect_log_lines(text, query, all));  // stopped at the line before `since`
  EXPECT_EQ(messages(all), (std::vector<std::string>{"four", "three", "two", "one"}));

  query.min_level = 2;
  query.request_id = "r1";
  LogPage filtered;
  collect_log_lines(text, query, filtered);
  EXPECT_EQ(messages(filtered), (std::vector<std::string>{"four", "one"}));

  LogQuery limited;
  limited.limit = 2;
  LogPage page;
  EXPECT_FALSE(collect_log_lines(text, limited, page));
  EXPECT_EQ(messages(page), (std::vector<std::string>{"four", "three"}));
  EXPECT_TRUE(page.truncated);
}

TEST(LogFiles, ReadsTheRotatedFilesAfterTheCurrentOneWithinTheScanBudget) {
  const fs::path dir = fs::temp_directory_path() / ("log-reader-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "switchboard.log") << line("06:00:02.000", "info", "newest");
  std::ofstream(dir / "switchboard.1.log") << line("06:00:01.000", "info", "older");
  std::ofstream(dir / "switchboard.2.log") << line("06:00:00.000", "info", "oldest");
  LogQuery query;
  auto page = read_logs(dir / "switchboard.log", 5, query, 1 << 20);
  EXPECT_EQ(messages(page), (std::vector<std::string>{"newest", "older", "oldest"}));
  EXPECT_FALSE(page.truncated);

  // A budget smaller than the files: the partial line at the cut is skipped, not misread.
  const auto first = line("06:00:02.000", "info", "newest").size();
  page = read_logs(dir / "switchboard.log", 5, query, first + 10);
  EXPECT_EQ(messages(page), (std::vector<std::string>{"newest"}));
  EXPECT_TRUE(page.truncated);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace switchboard
