#include "arguments.hpp"

#include <chrono>
#include <fstream>

namespace sbctl {
namespace {

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::optional<std::string> first_line(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line;
  std::getline(in, line);
  return trimmed(line);
}

}  // namespace

bool is_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto number = [&](std::size_t at, std::size_t length) {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const std::chrono::year_month_day day{std::chrono::year{number(0, 4)},
                                        std::chrono::month{static_cast<unsigned>(number(5, 2))},
                                        std::chrono::day{static_cast<unsigned>(number(8, 2))}};
  return day.ok();
}

tl::expected<std::string, std::string> resolve_admin_token(const TokenSources& sources) {
  if (!sources.flag.empty()) return sources.flag;
  if (sources.file) {
    auto token = first_line(*sources.file);
    if (!token) return tl::unexpected("cannot read the token file " + *sources.file);
    if (token->empty()) return tl::unexpected("the token file " + *sources.file + " is empty");
    return *token;
  }
  if (sources.env && !sources.env->empty()) return *sources.env;
  return first_line(sources.default_file).value_or("");
}

tl::expected<nlohmann::json, std::string> parse_json_object(std::string_view text, std::string_view option) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return tl::unexpected(std::string(option) + " is not valid JSON");
  if (!parsed.is_object()) return tl::unexpected(std::string(option) + " must be a JSON object");
  return parsed;
}

}  // namespace sbctl
