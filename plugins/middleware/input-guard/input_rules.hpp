#pragma once
// The rules of `input-guard`: every string value of a JSON request body, at any depth, is
// checked for control characters (a NUL cuts a string short in C code downstream, escape codes
// rewrite a terminal), bytes that are not UTF-8, a length limit in characters (per field, by its
// last key name), markup that would run in a page showing the text, SQL DDL, and phrases that
// try to take over the model's instructions (prompt injection). The patterns are heuristics
// tuned against false positives on ordinary story text ("Ignore the dragon and run" passes);
// they run on RE2, in linear time, after control characters are dropped, so "ig\x01nore
// previous instructions" is seen as the model would see it.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace input_guard {

enum class Category { control_character, invalid_utf8, too_long, markup, sql, prompt_injection };
const char* name(Category category);  // "control_character", … (for responses and the audit log)

struct Violation {
  std::string field;  // the value's JSON path: "messages[2].content", "primary_character"; "$" for the body itself
  Category category;
  // What fired, for people and logs: the rule's id for markup, sql and prompt_injection
  // ("script_tag", "sql_ddl", "ignore_previous"), "12001 characters, limit 10000" for too_long,
  // the first code point ("U+0000") for control_character, the count of bad bytes for invalid_utf8.
  std::string detail;
  bool operator==(const Violation&) const = default;
};

// The default limit of the `document` field: the text of an uploaded file (10 MiB at most), which
// the host inspects as `{"document": <text>}`.
inline constexpr std::size_t kDocumentCharacters = 10 * 1024 * 1024;

struct Rules {
  std::size_t max_length = 10000;                   // in characters (code points)
  std::map<std::string, std::size_t> field_limits;  // by last key name: {"primary_character": 100}
  bool check_markup = true, check_sql = true, check_injection = true;

  // From the plugin's configuration: max_length, field_limits, check_markup, check_sql,
  // check_injection, each optional. Other keys are left to the plugin. Throws
  // std::invalid_argument naming the key when a value is of the wrong type or out of range.
  static Rules from_config(const nlohmann::json& config);
};

// `text` as `Inspector::sanitise` cleans each string: control characters (C0 but tab, line feed
// and carriage return) dropped, bytes that are not UTF-8 replaced by U+FFFD.
std::string sanitise_text(std::string_view text);

// At most this many violations are reported per body: enough to explain a refusal, bounded
// whatever the body holds.
inline constexpr std::size_t kMaxViolations = 20;

// Safe to use from many threads at once: the patterns are compiled once and only read.
class Inspector {
 public:
  explicit Inspector(Rules rules);

  // The violations of every string value in `body`, in document order (object keys sorted),
  // up to kMaxViolations. Keys are not checked: they name fields, the model reads values. The
  // walk keeps its own stack, so any nesting depth is walked, all of it.
  std::vector<Violation> inspect(const nlohmann::json& body) const;

  // `body` in the same shape with every string value cleaned: control characters (C0 but tab,
  // line feed and carriage return) dropped, bytes that are not UTF-8 replaced by U+FFFD (so the
  // result can be dumped). Nothing else changes — no trimming, no markup removed: what to do
  // about the other violations is the plugin's decision. Built without recursion too.
  nlohmann::json sanitise(const nlohmann::json& body) const;

 private:
  Rules rules_;
};

}  // namespace input_guard
