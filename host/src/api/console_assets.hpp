#pragma once
// Which files GET /assets/{file} serves from the web console's build, and as what type.

#include <optional>
#include <string_view>

namespace switchboard {

// Vite's output names: letters, digits, '.', '_' and '-', at most 128, never a dot first (no
// "..", no hidden files), with an extension of a type the console uses.
bool is_console_asset_name(std::string_view name);

// The Content-Type of an asset by its extension; nothing for a type not served.
std::optional<std::string_view> console_asset_type(std::string_view name);

}  // namespace switchboard
