#pragma once
// Checks and conversions of sbctl's arguments that do not need a server, kept apart so unit
// tests can reach them.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace sbctl {

// YYYY-MM-DD naming a real day, as /api/cost/usage takes it.
bool is_iso_date(std::string_view text);

// Where the admin token may come from, in the order they are tried.
struct TokenSources {
  std::string flag;                 // --token
  std::optional<std::string> file;  // --token-file
  std::optional<std::string> env;   // $SWITCHBOARD_ADMIN_TOKEN
  std::string default_file;         // the server's own default, read when present
};

// The first source that gives one; empty when none does. A file named with --token-file that
// cannot be read, or holds no token, is an error; the default file may simply be absent.
tl::expected<std::string, std::string> resolve_admin_token(const TokenSources& sources);

// `text` (the value of `option`) as a JSON object, or why it is not one.
tl::expected<nlohmann::json, std::string> parse_json_object(std::string_view text, std::string_view option);

}  // namespace sbctl
