#pragma once
/// @file
/// The version of the plugin contract. Bump the minor when adding virtual functions at the
/// end of an interface (with default behaviour); bump the major for any other change.

namespace switchboard::plugin {

/// Major version of plugin-api: a host loads only plugins built for the same major.
inline constexpr int kApiMajor = 2;
/// Minor version of plugin-api: a host loads plugins whose minor is not newer than its own.
inline constexpr int kApiMinor = 2;

}  // namespace switchboard::plugin
