#pragma once
// Where the admin token comes from: SWITCHBOARD_ADMIN_TOKEN (via the configuration), the
// configuration file, or — when neither sets one — a random token kept in
// <data-dir>/admin.token (mode 0600), reused across restarts.

#include <filesystem>
#include <string>

#include <tl/expected.hpp>

namespace switchboard {

struct AdminToken {
  std::string token;
  std::filesystem::path file;  // set when the token lives in a file
  bool generated = false;      // true when this call created the file
};

tl::expected<AdminToken, std::string> resolve_admin_token(const std::string& configured,
                                                          const std::filesystem::path& data_dir);

}  // namespace switchboard
