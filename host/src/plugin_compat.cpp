#include <switchboard/plugin_compat.hpp>

#include <switchboard/plugin/abi.hpp>
#include <switchboard/plugin/version.hpp>

namespace switchboard {
namespace {

std::string version_text(int major, int minor) { return std::to_string(major) + "." + std::to_string(minor); }

}  // namespace

PluginExpectation host_expectation() {
  return {plugin::kApiMajor, plugin::kApiMinor, plugin::kAbiTag, std::nullopt, std::nullopt};
}

std::optional<std::string> check_plugin_info(const plugin::PluginInfo& info, const PluginExpectation& expected) {
  const std::string host_version = version_text(expected.api_major, expected.api_minor);
  const std::string plugin_version = version_text(info.api_major, info.api_minor);
  if (info.api_major != expected.api_major) {
    return "plugin-api major version mismatch: host supports " + host_version + ", plugin was built for " +
           plugin_version + " (rebuild the plugin against this host's plugin-api)";
  }
  if (info.api_minor > expected.api_minor) {
    return "plugin-api minor version too new: host supports up to " + host_version + ", plugin was built for " +
           plugin_version + " (upgrade the host)";
  }
  if (info.abi_tag == nullptr || expected.abi_tag != info.abi_tag) {
    return "ABI tag mismatch: host has \"" + expected.abi_tag + "\", plugin has \"" +
           std::string(info.abi_tag ? info.abi_tag : "(none)") +
           "\" (built with another compiler, standard library or plugin-api headers?)";
  }
  if (info.name == nullptr || *info.name == '\0') return "plugin declares no name";
  if (info.version == nullptr || *info.version == '\0') return "plugin declares no version";
  const auto kind = static_cast<int>(info.kind);
  if (kind < 1 || kind > 4) return "unknown plugin kind " + std::to_string(kind);
  if (expected.kind && *expected.kind != info.kind) {
    return std::string("wrong plugin kind: expected ") + plugin::to_string(*expected.kind) + ", found " +
           plugin::to_string(info.kind);
  }
  if (expected.name && !expected.name->empty() && *expected.name != info.name) {
    return "wrong plugin name: expected \"" + *expected.name + "\", found \"" + info.name + "\"";
  }
  return std::nullopt;
}

}  // namespace switchboard
