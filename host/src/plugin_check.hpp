#pragma once
// Checking a plugin file the admin API names, without loading it (POST /admin/plugins/check):
// an operator's question before a load, answered from the same resolution and checks as load.

#include <filesystem>
#include <string>

#include <tl/expected.hpp>

#include <switchboard/plugin_registry.hpp>

namespace switchboard {

// `file` resolved inside `plugin_dir` as load resolves it (nothing outside the folder), opened
// through a private copy in `private_dir` and its info checked as load checks it. The factory is
// not called; the library and its copy go when the result does.
tl::expected<PluginPtr, PluginError> check_plugin_file(const std::filesystem::path& plugin_dir, const std::string& file,
                                                       const std::filesystem::path& private_dir);

}  // namespace switchboard
