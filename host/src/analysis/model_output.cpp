#include "model_output.hpp"

#include <optional>

namespace switchboard::analysis {
namespace {

constexpr int kMaxCandidates = 32;

// Where the balanced value opening at `open` ends (one past its closing bracket), or npos when
// it never closes; `too_deep` is set when it nests deeper than the limit.
std::size_t balanced_end(std::string_view text, std::size_t open, bool& too_deep) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxModelJsonDepth) {
        too_deep = true;
        return std::string_view::npos;
      }
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

// Parses `candidate` when it is one whole JSON value within the depth limit.
std::optional<nlohmann::json> parse_whole(std::string_view candidate, bool& too_deep) {
  const auto first = candidate.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  if (candidate[first] == '{' || candidate[first] == '[') {
    const auto end = balanced_end(candidate, first, too_deep);
    if (too_deep || end == std::string_view::npos) return std::nullopt;
    if (candidate.find_first_not_of(" \t\r\n", end) != std::string_view::npos) return std::nullopt;
  }
  auto parsed = nlohmann::json::parse(candidate, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

}  // namespace

tl::expected<nlohmann::json, std::string> extract_json(std::string_view text) {
  bool too_deep = false;
  // Fenced blocks: ``` or ```json (any info string) up to the next ```.
  for (std::size_t fence = text.find("```"); fence != std::string_view::npos;) {
    const auto body = text.find('\n', fence + 3);
    if (body == std::string_view::npos) break;
    const auto close = text.find("```", body + 1);
    if (close == std::string_view::npos) break;
    if (auto parsed = parse_whole(text.substr(body + 1, close - body - 1), too_deep)) return std::move(*parsed);
    fence = text.find("```", close + 3);
  }
  if (auto parsed = parse_whole(text, too_deep)) return std::move(*parsed);
  // At most a few candidates, each scanned to where it closes: bounded work on any text.
  int tries = 0;
  for (std::size_t open = text.find_first_of("{["); open != std::string_view::npos && tries++ < kMaxCandidates;
       open = text.find_first_of("{[", open + 1)) {
    const auto end = balanced_end(text, open, too_deep);
    if (too_deep) break;
    if (end == std::string_view::npos) continue;
    auto parsed = nlohmann::json::parse(text.substr(open, end - open), nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  if (too_deep) return tl::unexpected("nested deeper than " + std::to_string(kMaxModelJsonDepth) + " levels");
  return tl::unexpected(std::string("no JSON object or array in the answer"));
}

}  // namespace switchboard::analysis
