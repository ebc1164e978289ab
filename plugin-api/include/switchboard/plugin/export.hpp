#pragma once
/// @file
/// Macros a plugin uses to export its two entry points through Boost.DLL aliases.

#include <boost/dll/alias.hpp>

#include <switchboard/plugin/abi.hpp>
#include <switchboard/plugin/plugin.hpp>
#include <switchboard/plugin/version.hpp>

/// Exports an existing `PluginInfo` variable and factory function under the two alias
/// names the host looks up. Use `SWITCHBOARD_PLUGIN` unless you need a hand-made info.
#define SWITCHBOARD_PLUGIN_EXPORT(INFO_VARIABLE, FACTORY_FUNCTION) \
  BOOST_DLL_ALIAS(INFO_VARIABLE, switchboard_plugin_info)          \
  BOOST_DLL_ALIAS(FACTORY_FUNCTION, switchboard_plugin_factory)

/// Declares and exports a plugin built against this plugin-api.
///
/// @param KIND a `switchboard::plugin::PluginKind`
/// @param NAME the plugin's unique name (string literal)
/// @param VERSION the plugin's version (string literal)
/// @param DESCRIPTION one line for humans (string literal)
/// @param FACTORY a function with the `PluginFactory` signature
#define SWITCHBOARD_PLUGIN(KIND, NAME, VERSION, DESCRIPTION, FACTORY)                                 \
  namespace switchboard_plugin_entry {                                                                \
  const ::switchboard::plugin::PluginInfo info{::switchboard::plugin::kApiMajor,                      \
                                               ::switchboard::plugin::kApiMinor,                      \
                                               ::switchboard::plugin::kAbiTag,                        \
                                               KIND,                                                  \
                                               NAME,                                                  \
                                               VERSION,                                               \
                                               DESCRIPTION};                                          \
  std::shared_ptr<::switchboard::plugin::Plugin> factory(const nlohmann::json& config,                \
                                                         ::switchboard::plugin::HostServices& host) { \
    return FACTORY(config, host);                                                                     \
  }                                                                                                   \
  }                                                                                                   \
  SWITCHBOARD_PLUGIN_EXPORT(switchboard_plugin_entry::info, switchboard_plugin_entry::factory)
