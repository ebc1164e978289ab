#pragma once
/// @file
/// What every plugin is: a `PluginInfo` the host reads first, and a factory that makes an
/// instance of one of the four kinds.

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace switchboard::plugin {

class HostServices;

/// The four kinds of plugin the host knows.
enum class PluginKind : int {
  framework = 1,   ///< runs tasks in one style of LLM framework (see framework.hpp)
  provider = 2,    ///< talks to one family of LLM APIs (see provider.hpp)
  middleware = 3,  ///< sees every request before dispatch and every response after
  cost_model = 4,  ///< turns token usage into money (see cost_model.hpp)
};

/// The kind's name as used in configuration, logs and the admin API.
constexpr const char* to_string(PluginKind kind) noexcept {
  switch (kind) {
    case PluginKind::framework:
      return "framework";
    case PluginKind::provider:
      return "provider";
    case PluginKind::middleware:
      return "middleware";
    case PluginKind::cost_model:
      return "cost_model";
  }
  return "unknown";
}

/// Plain data exported by every plugin under the alias `switchboard_plugin_info`.
///
/// The host reads it before it calls anything in the plugin. The first two fields keep
/// their place in every major version so that any host can read them and refuse politely.
/// All strings are NUL-terminated and live in the plugin's read-only data.
struct PluginInfo {
  int api_major;            ///< plugin-api major the plugin was built against
  int api_minor;            ///< plugin-api minor the plugin was built against
  const char* abi_tag;      ///< `kAbiTag` of the build (compiler, library, header hash)
  PluginKind kind;          ///< which interface the factory's instance implements
  const char* name;         ///< unique name, e.g. "mock" or "security-headers"
  const char* version;      ///< the plugin's own version, e.g. "1.2.0"
  const char* description;  ///< one line for humans
};

/// Result of a plugin's self-check, run by the host after construction and before use.
struct SelfCheck {
  bool ok = true;       ///< false refuses the plugin
  std::string message;  ///< why it failed (or a note when it passed)
};

/// Base of every plugin instance. The factory returns one of the kind interfaces
/// (`Framework`, `Provider`, `Middleware`, `CostModel`), all derived from this.
class Plugin {
 public:
  virtual ~Plugin() = default;

  /// Checks that the instance can work (files readable, configuration coherent).
  /// Called once by the host after the factory and before the instance serves anything.
  virtual SelfCheck self_check() { return {}; }
};

/// Signature of the factory exported under the alias `switchboard_plugin_factory`.
///
/// @param config the plugin's configuration from the host's configuration file (an object,
///        possibly empty)
/// @param host services the plugin may use for its whole life; valid until the instance
///        is destroyed
/// @return the instance; throwing refuses the plugin (the host catches and reports it)
using PluginFactory = std::shared_ptr<Plugin>(const nlohmann::json& config, HostServices& host);

}  // namespace switchboard::plugin
