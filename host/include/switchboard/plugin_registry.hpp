#pragma once
// Loaded plugins and the registry that swaps them while traffic flows.
//
// Every request takes a snapshot of the registry when it starts and finishes on the plugin
// versions of that snapshot. Load, reload and unload build a new snapshot and swap it
// atomically; a replaced version lives on until its last request lets go of it, and then
// its instance is destroyed and its library unloaded (the instance's deleter holds it).

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/cost_model.hpp>
#include <switchboard/plugin/framework.hpp>
#include <switchboard/plugin/middleware.hpp>
#include <switchboard/plugin/plugin.hpp>
#include <switchboard/plugin/provider.hpp>

namespace switchboard {

class Logger;

// One loaded version of a plugin.
struct LoadedPlugin {
  plugin::PluginKind kind{};
  std::string name;
  std::string version;
  int api_major = 0;
  int api_minor = 0;
  std::string abi_tag;
  std::string description;
  std::filesystem::path file;          // as found in the plugin folder
  std::filesystem::path private_copy;  // the copy actually loaded
  std::string sha256;                  // of the file's bytes
  std::chrono::system_clock::time_point loaded_at;
  nlohmann::json config;
  std::uint64_t generation = 0;  // increases with every load of any plugin

  std::shared_ptr<plugin::Plugin> instance;  // its deleter unloads the library
  // Exactly one of these is set, matching `kind`.
  plugin::Framework* framework = nullptr;
  plugin::Provider* provider = nullptr;
  plugin::Middleware* middleware = nullptr;
  plugin::CostModel* cost_model = nullptr;

  // Requests currently holding a snapshot that contains this version.
  mutable std::atomic<std::int64_t> in_flight{0};
};

using PluginPtr = std::shared_ptr<const LoadedPlugin>;

// An immutable view of the registry at one moment.
struct RegistrySnapshot {
  std::vector<PluginPtr> plugins;
  PluginPtr canary;  // set in the view a canary's share of requests gets: the new version in it
  PluginPtr find(std::string_view name) const;
};

// A new version of one plugin serving a share of new requests beside the current one
// (start_canary), until it is promoted or aborted.
struct Canary {
  PluginPtr plugin;                              // the new version
  double share = 0;                              // of new requests, (0, 1]
  std::shared_ptr<const RegistrySnapshot> view;  // the current plugins with this one in its name's place
};

// A request's hold on one snapshot; counts the request as in flight on each version.
class SnapshotLease {
 public:
  SnapshotLease() = default;
  explicit SnapshotLease(std::shared_ptr<const RegistrySnapshot> snapshot);
  ~SnapshotLease();
  SnapshotLease(SnapshotLease&& other) noexcept;
  SnapshotLease& operator=(SnapshotLease&& other) noexcept;
  SnapshotLease(const SnapshotLease&) = delete;
  SnapshotLease& operator=(const SnapshotLease&) = delete;

  const RegistrySnapshot& operator*() const { return *snapshot_; }
  const RegistrySnapshot* operator->() const { return snapshot_.get(); }
  bool valid() const { return snapshot_ != nullptr; }
  // The snapshot itself, for work that outlives the call stack (it keeps the plugins alive).
  std::shared_ptr<const RegistrySnapshot> shared() const { return snapshot_; }

 private:
  void release();
  std::shared_ptr<const RegistrySnapshot> snapshot_;
};

struct PluginError {
  enum class Kind { not_found, duplicate, refused, invalid };
  Kind kind;
  std::string message;
};

// Makes the HostServices a plugin instance gets (one per loaded plugin).
using ServicesFactory = std::function<std::shared_ptr<plugin::HostServices>(const std::string& plugin_name)>;

class PluginRegistry {
 public:
  PluginRegistry(std::filesystem::path plugin_dir, std::filesystem::path private_dir, ServicesFactory services);
  ~PluginRegistry();

  std::shared_ptr<const RegistrySnapshot> snapshot() const { return current_.load(); }
  // What a new request runs on: the current plugins, or (for a running canary's share of
  // requests, picked at random) the canary's view.
  SnapshotLease lease() const;

  // Loads `file` (relative to the plugin folder, or absolute inside it) as plugin `name`
  // (empty: the plugin's own name). Refuses duplicates and incompatible plugins.
  tl::expected<PluginPtr, PluginError> load(const std::string& file, const std::string& name,
                                            const nlohmann::json& config);
  // Builds a new version beside the old one and swaps it in; the old one keeps serving
  // its requests. Without `file`/`config` the current ones are used again.
  tl::expected<PluginPtr, PluginError> reload(const std::string& name, const std::optional<std::string>& file,
                                              const std::optional<nlohmann::json>& config);
  tl::expected<void, PluginError> unload(const std::string& name);

  // Canary releases, one at a time: a new version of `name` (its file and config, or the
  // current ones) built beside the current one, which `share` of new requests then run on.
  // While it runs, that plugin cannot be reloaded or unloaded. Promote makes it the version
  // everyone runs (the old one drains); abort drops it (its requests finish on it).
  tl::expected<PluginPtr, PluginError> start_canary(const std::string& name, const std::optional<std::string>& file,
                                                    const std::optional<nlohmann::json>& config, double share);
  tl::expected<PluginPtr, PluginError> promote_canary(const std::string& name);
  tl::expected<PluginPtr, PluginError> abort_canary(const std::string& name);
  std::shared_ptr<const Canary> canary() const { return canary_.load(); }

  // Every version still alive: the current ones, a canary, and replaced ones still draining.
  struct VersionStatus {
    PluginPtr plugin;
    bool current;
    bool canary = false;
  };
  std::vector<VersionStatus> versions() const;

  // Opens `file` and checks it without keeping it (for `switchboard plugins check`).
  static tl::expected<PluginPtr, PluginError> inspect(const std::filesystem::path& file,
                                                      const std::filesystem::path& private_dir);

  const std::filesystem::path& plugin_dir() const { return plugin_dir_; }

  // Told of each load, reload and unload and whether it succeeded (for metrics). Set it
  // before the first load.
  using OnOperation = std::function<void(const char* operation, bool ok)>;
  void set_operation_observer(OnOperation observer) { on_operation_ = std::move(observer); }

 private:
  tl::expected<PluginPtr, PluginError> load_now(const std::string& file, const std::string& name,
                                                const nlohmann::json& config);
  tl::expected<PluginPtr, PluginError> reload_now(const std::string& name, const std::optional<std::string>& file,
                                                  const std::optional<nlohmann::json>& config);
  tl::expected<void, PluginError> unload_now(const std::string& name);
  tl::expected<std::filesystem::path, PluginError> resolve(const std::string& file) const;
  tl::expected<PluginPtr, PluginError> build(const std::filesystem::path& file, const std::string& expected_name,
                                             const nlohmann::json& config);
  void publish(std::vector<PluginPtr> plugins);
  // {the current version of `name`, a new one built from `file` and `config` or the current's}.
  tl::expected<std::pair<PluginPtr, PluginPtr>, PluginError> next_version(const RegistrySnapshot& current,
                                                                          const std::string& name,
                                                                          const std::optional<std::string>& file,
                                                                          const std::optional<nlohmann::json>& config);

  std::filesystem::path plugin_dir_;
  std::filesystem::path private_dir_;
  ServicesFactory services_;
  std::mutex mutate_;  // one load/reload/unload at a time
  std::atomic<std::shared_ptr<const RegistrySnapshot>> current_;
  std::atomic<std::shared_ptr<const Canary>> canary_;               // null: none running
  mutable std::vector<std::weak_ptr<const LoadedPlugin>> retired_;  // replaced, maybe draining
  mutable std::mutex retired_mutex_;
  OnOperation on_operation_;
};

}  // namespace switchboard
