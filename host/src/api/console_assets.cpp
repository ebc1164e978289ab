#include "console_assets.hpp"

#include <re2/re2.h>

namespace switchboard {
namespace {

struct AssetType {
  std::string_view extension;
  std::string_view content_type;
};

constexpr AssetType kAssetTypes[] = {
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
};

}  // namespace

std::optional<std::string_view> console_asset_type(std::string_view name) {
  for (const auto& type : kAssetTypes) {
    if (name.ends_with(type.extension)) return type.content_type;
  }
  return std::nullopt;
}

bool is_console_asset_name(std::string_view name) {
  static const RE2 pattern("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  return RE2::FullMatch(name, pattern) && console_asset_type(name).has_value();
}

}  // namespace switchboard
