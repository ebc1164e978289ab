#pragma once
// The rules a plugin must pass before the host runs any of its code (pure, unit-tested).

#include <optional>
#include <string>

#include <switchboard/plugin/plugin.hpp>

namespace switchboard {

// What the host expects of a plugin file.
struct PluginExpectation {
  int api_major;
  int api_minor;
  std::string abi_tag;
  std::optional<plugin::PluginKind> kind;  // from the configuration, when it names one
  std::optional<std::string> name;         // from the configuration or the admin call
};

// The host's own expectation (its plugin-api version and ABI tag).
PluginExpectation host_expectation();

// Why `info` must be refused, naming expected and found values; nothing when acceptable.
std::optional<std::string> check_plugin_info(const plugin::PluginInfo& info, const PluginExpectation& expected);

}  // namespace switchboard
