#include "observability/log_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include <spdlog/sinks/rotating_file_sink.h>

#include <switchboard/log.hpp>

namespace switchboard {
namespace {

int level_rank(std::string_view name) {
  static const char* const names[] = {"trace", "debug", "info", "warn", "error"};
  for (int i = 0; i < 5; ++i) {
    if (name == names[i]) return i;
  }
  return -1;
}

bool digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "2026-11-23T06:00:00Z" or with a fraction ".5", ".123456": the log lines' own form
// (milliseconds), so that times compare as text.
std::optional<std::string> absolute_time(std::string_view text) {
  if (text.size() < 20 || text.back() != 'Z' || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
      text[13] != ':' || text[16] != ':')
    return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t length) {
    return std::stoi(std::string(text.substr(at, length)));
  };
  for (auto [at, length] : {std::pair{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}}) {
    if (!digits(text.substr(at, length))) return std::nullopt;
  }
  const int month = number(5, 2), day = number(8, 2), hour = number(11, 2), minute = number(14, 2),
            second = number(17, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::string millis = "000";
  const auto rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest.front() != '.' || !digits(rest.substr(1)) || rest.size() > 10) return std::nullopt;
    const auto fraction = std::string(rest.substr(1)) + "00";
    millis = fraction.substr(0, 3);
  }
  return std::string(text.substr(0, 19)) + "." + millis + "Z";
}

// "30s", "15m", "2h", "7d": that long before `now`.
std::optional<std::string> look_back(std::string_view text, std::chrono::system_clock::time_point now) {
  if (text.size() < 2 || text.size() > 8 || !digits(text.substr(0, text.size() - 1))) return std::nullopt;
  const long long amount = std::stoll(std::string(text.substr(0, text.size() - 1)));
  static const std::map<char, long long> unit_seconds = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
  const auto unit = unit_seconds.find(text.back());
  if (unit == unit_seconds.end() || amount > 3650LL * 86400 / unit->second) return std::nullopt;
  return format_log_time(now - std::chrono::seconds(amount * unit->second));
}

std::string text_field(const nlohmann::json& line, const char* name) {
  const auto it = line.find(name);
  return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

tl::expected<LogQuery, std::string> parse_log_query(const std::map<std::string, std::string>& parameters,
                                                    std::chrono::system_clock::time_point now) {
  LogQuery query;
  for (const auto& [name, value] : parameters) {
    if (name == "level") {
      query.min_level = level_rank(value);
      if (query.min_level < 0) return tl::unexpected(std::string("level must be trace, debug, info, warn or error"));
    } else if (name == "request_id") {
      query.request_id = value;
    } else if (name == "trace_id") {
      query.trace_id = value;
    } else if (name == "since") {
      auto since = absolute_time(value);
      if (!since) since = look_back(value, now);
      if (!since)
        return tl::unexpected(
            std::string("since must be a UTC time (2026-01-31T12:00:00Z) or a look-back (30s, 15m, 2h, 7d)"));
      query.since = *since;
    } else if (name == "limit") {
      if (!digits(value) || value.size() > 4 || std::stoul(value) < 1 || std::stoul(value) > kMaxLogLimit)
        return tl::unexpected("limit must be a whole number from 1 to " + std::to_string(kMaxLogLimit));
      query.limit = std::stoul(value);
    } else {
      return tl::unexpected("unknown parameter \"" + name + "\"");
    }
  }
  return query;
}

bool collect_log_lines(std::string_view text, const LogQuery& query, LogPage& page) {
  std::size_t end = text.size();
  while (end > 0) {
    const std::size_t newline = end >= 2 ? text.rfind('\n', end - 2) : std::string_view::npos;
    const std::size_t start = newline == std::string_view::npos ? 0 : newline + 1;
    std::string_view raw = text.substr(start, end - start);
    end = start;
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r')) raw.remove_suffix(1);
    auto line = nlohmann::json::parse(raw, nullptr, /*allow_exceptions=*/false);
    if (!line.is_object()) continue;  // not one of ours (a partial or foreign line)
    const std::string timestamp = text_field(line, "timestamp");
    if (!query.since.empty() && timestamp < query.since) return false;  // older lines follow
    if (level_rank(text_field(line, "level")) < query.min_level) continue;
    if (!query.request_id.empty() && text_field(line, "request_id") != query.request_id) continue;
    if (!query.trace_id.empty() && text_field(line, "trace_id") != query.trace_id) continue;
    if (page.lines.size() == query.limit) {
      page.truncated = true;
      return false;
    }
    page.lines.push_back(std::move(line));
  }
  return true;
}

LogPage read_logs(const std::filesystem::path& file, int max_files, const LogQuery& query, std::size_t max_scan_bytes) {
  LogPage page;
  for (int index = 0; index <= max_files; ++index) {
    const std::string name = spdlog::sinks::rotating_file_sink_mt::calc_filename(file.string(), index);
    std::ifstream in(name, std::ios::binary | std::ios::ate);
    if (!in) continue;
    const auto size = static_cast<std::size_t>(in.tellg());
    const std::size_t budget = max_scan_bytes - page.scanned_bytes;
    const std::size_t length = std::min(size, budget);
    std::string text(length, '\0');
    in.seekg(static_cast<std::streamoff>(size - length));
    in.read(text.data(), static_cast<std::streamsize>(length));
    page.scanned_bytes += length;
    std::string_view view(text);
    if (length < size) {  // started mid-line: drop the partial first line
      const auto newline = view.find('\n');
      view = newline == std::string_view::npos ? std::string_view() : view.substr(newline + 1);
    }
    if (!collect_log_lines(view, query, page)) return page;
    if (page.scanned_bytes >= max_scan_bytes) {
      page.truncated = true;
      return page;
    }
  }
  return page;
}

}  // namespace switchboard
