#include <switchboard/plugin_registry.hpp>

#include <fstream>
#include <random>

#include <openssl/evp.h>
#include <boost/dll/shared_library.hpp>

#include <switchboard/log.hpp>
#include <switchboard/plugin_compat.hpp>

#include "plugin_check.hpp"

namespace switchboard {
namespace fs = std::filesystem;
namespace {

Logger& log() {
  static Logger logger("plugins");
  return logger;
}

std::atomic<std::uint64_t> next_generation{1};

std::string file_sha256(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr);
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    EVP_DigestUpdate(context.get(), buffer, static_cast<std::size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

// Owns one loaded private copy: unloads the library and deletes the copy when the last
// object made from it is gone.
struct LibraryHold {
  boost::dll::shared_library library;
  fs::path private_copy;
  std::string name;
  std::string version;

  ~LibraryHold() {
    library.unload();
    std::error_code ignored;
    fs::remove(private_copy, ignored);
    if (!name.empty()) {
      log().info("plugin unloaded", {{"plugin", name}, {"version", version}, {"path", private_copy.string()}});
    }
  }
};

PluginError refused(const fs::path& file, const std::string& reason) {
  return {PluginError::Kind::refused, reason + " [" + file.string() + "]"};
}

// Copies, opens and checks one plugin file. With `services`, also creates and self-checks
// the instance; without, only reads and checks its info.
tl::expected<std::shared_ptr<LoadedPlugin>, PluginError> open_plugin(const fs::path& file, const fs::path& private_dir,
                                                                     const PluginExpectation& expected,
                                                                     const nlohmann::json& config,
                                                                     const ServicesFactory* services) {
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    return tl::unexpected(PluginError{PluginError::Kind::not_found, "no plugin file at " + file.string()});
  }
  auto loaded = std::make_shared<LoadedPlugin>();
  loaded->file = file;
  loaded->sha256 = file_sha256(file);
  loaded->generation = next_generation.fetch_add(1);
  loaded->config = config;
  loaded->loaded_at = std::chrono::system_clock::now();

  // The dynamic loader caches by path, and overwriting a loaded file crashes the process:
  // load a private copy with a name used once.
  fs::create_directories(private_dir, error);
  loaded->private_copy = private_dir / (file.stem().string() + "-" + std::to_string(loaded->generation) + "-" +
                                        loaded->sha256.substr(0, 12) + ".so");
  if (!fs::copy_file(file, loaded->private_copy, fs::copy_options::overwrite_existing, error)) {
    return tl::unexpected(
        PluginError{PluginError::Kind::invalid,
                    "cannot copy " + file.string() + " to " + loaded->private_copy.string() + ": " + error.message()});
  }
  auto hold = std::make_shared<LibraryHold>();
  hold->private_copy = loaded->private_copy;
  try {
    hold->library.load(boost::dll::fs::path(loaded->private_copy.string()),
                       boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return tl::unexpected(refused(file, std::string("cannot load library: ") + e.what()));
  }
  if (!hold->library.has("switchboard_plugin_info") || !hold->library.has("switchboard_plugin_factory")) {
    return tl::unexpected(refused(file,
                                  "not a Switchboard plugin: switchboard_plugin_info or "
                                  "switchboard_plugin_factory is not exported"));
  }
  const auto& info = hold->library.get_alias<const plugin::PluginInfo>("switchboard_plugin_info");
  if (auto reason = check_plugin_info(info, expected)) return tl::unexpected(refused(file, *reason));
  loaded->kind = info.kind;
  loaded->name = info.name;
  loaded->version = info.version;
  loaded->api_major = info.api_major;
  loaded->api_minor = info.api_minor;
  loaded->abi_tag = info.abi_tag;
  loaded->description = info.description ? info.description : "";
  if (!services) {
    loaded->instance = std::shared_ptr<plugin::Plugin>(nullptr, [hold](plugin::Plugin*) {});
    return loaded;
  }

  auto host_services = (*services)(loaded->name);
  std::shared_ptr<plugin::Plugin> made;
  const auto plugin_fields = [&] {
    return nlohmann::json{{"plugin", loaded->name}, {"version", loaded->version}, {"path", file.string()}};
  };
  try {
    auto& factory = hold->library.get_alias<plugin::PluginFactory>("switchboard_plugin_factory");
    made = factory(config, *host_services);
  } catch (const std::exception& e) {
    return tl::unexpected(
        refused(file, "factory of \"" + loaded->name + "\" " + loaded->version + " threw: " + e.what()));
  } catch (...) {
    return tl::unexpected(
        refused(file, "factory of \"" + loaded->name + "\" " + loaded->version + " threw a non-standard exception"));
  }
  if (!made) return tl::unexpected(refused(file, "factory of \"" + loaded->name + "\" returned no instance"));

  // The instance's deleter destroys the plugin's object first, then its services, then
  // lets go of the library: nothing made by the plugin outlives its code.
  hold->name = loaded->name;
  hold->version = loaded->version;
  plugin::Plugin* raw = made.get();
  loaded->instance =
      std::shared_ptr<plugin::Plugin>(raw, [made = std::move(made), host_services, hold](plugin::Plugin*) mutable {
        made.reset();
        host_services.reset();
        hold.reset();
      });
  hold.reset();

  switch (loaded->kind) {
    case plugin::PluginKind::framework:
      loaded->framework = dynamic_cast<plugin::Framework*>(raw);
      break;
    case plugin::PluginKind::provider:
      loaded->provider = dynamic_cast<plugin::Provider*>(raw);
      break;
    case plugin::PluginKind::middleware:
      loaded->middleware = dynamic_cast<plugin::Middleware*>(raw);
      break;
    case plugin::PluginKind::cost_model:
      loaded->cost_model = dynamic_cast<plugin::CostModel*>(raw);
      break;
  }
  if (!loaded->framework && !loaded->provider && !loaded->middleware && !loaded->cost_model) {
    return tl::unexpected(refused(file, std::string("instance of \"") + loaded->name + "\" does not implement the " +
                                            plugin::to_string(loaded->kind) + " interface it declares"));
  }

  plugin::SelfCheck check;
  try {
    check = raw->self_check();
  } catch (const std::exception& e) {
    check = {false, std::string("threw: ") + e.what()};
  } catch (...) {
    check = {false, "threw a non-standard exception"};
  }
  if (!check.ok) {
    return tl::unexpected(
        refused(file, "self-check of \"" + loaded->name + "\" " + loaded->version + " failed: " + check.message));
  }
  auto fields = plugin_fields();
  fields["kind"] = plugin::to_string(loaded->kind);
  fields["api_version"] = std::to_string(loaded->api_major) + "." + std::to_string(loaded->api_minor);
  fields["sha256"] = loaded->sha256;
  fields["private_copy"] = loaded->private_copy.string();
  log().info("plugin loaded", fields);
  return loaded;
}

tl::expected<fs::path, PluginError> resolve_in(const fs::path& plugin_dir, const std::string& file) {
  // Only files inside the plugin folder may be loaded, whatever the caller wrote; a NUL would
  // cut the name short where the system reads it ("auth.so\0.txt" opening auth.so).
  if (file.empty() || file.find('\0') != std::string::npos) {
    return tl::unexpected(
        PluginError{PluginError::Kind::invalid, "a plugin file name must be non-empty text without NUL"});
  }
  std::error_code error;
  const fs::path base = fs::weakly_canonical(plugin_dir, error);
  const fs::path candidate = fs::weakly_canonical(base / file, error);
  auto [end, ignored] = std::mismatch(base.begin(), base.end(), candidate.begin(), candidate.end());
  if (error || end != base.end()) {
    return tl::unexpected(PluginError{PluginError::Kind::invalid, "\"" + file + "\" is outside the plugin folder"});
  }
  return candidate;
}

}  // namespace

PluginPtr RegistrySnapshot::find(std::string_view name) const {
  for (const auto& p : plugins) {
    if (p->name == name) return p;
  }
  return nullptr;
}

SnapshotLease::SnapshotLease(std::shared_ptr<const RegistrySnapshot> snapshot) : snapshot_(std::move(snapshot)) {
  if (snapshot_) {
    for (const auto& p : snapshot_->plugins) p->in_flight.fetch_add(1, std::memory_order_relaxed);
  }
}

SnapshotLease::~SnapshotLease() { release(); }

SnapshotLease::SnapshotLease(SnapshotLease&& other) noexcept : snapshot_(std::move(other.snapshot_)) {}

SnapshotLease& SnapshotLease::operator=(SnapshotLease&& other) noexcept {
  if (this != &other) {
    release();
    snapshot_ = std::move(other.snapshot_);
  }
  return *this;
}

void SnapshotLease::release() {
  if (!snapshot_) return;
  for (const auto& p : snapshot_->plugins) p->in_flight.fetch_sub(1, std::memory_order_relaxed);
  snapshot_.reset();
}

PluginRegistry::PluginRegistry(fs::path plugin_dir, fs::path private_dir, ServicesFactory services)
    : plugin_dir_(std::move(plugin_dir)), private_dir_(std::move(private_dir)), services_(std::move(services)) {
  current_.store(std::make_shared<const RegistrySnapshot>());
}

PluginRegistry::~PluginRegistry() {
  canary_.store(nullptr);
  current_.store(std::make_shared<const RegistrySnapshot>());
}

tl::expected<fs::path, PluginError> PluginRegistry::resolve(const std::string& file) const {
  return resolve_in(plugin_dir_, file);
}

tl::expected<PluginPtr, PluginError> PluginRegistry::build(const fs::path& file, const std::string& expected_name,
                                                           const nlohmann::json& config) {
  PluginExpectation expected = host_expectation();
  if (!expected_name.empty()) expected.name = expected_name;
  auto opened = open_plugin(file, private_dir_, expected, config, &services_);
  if (!opened) {
    log().error("plugin refused", {{"path", file.string()}, {"reason", opened.error().message}});
    return tl::unexpected(opened.error());
  }
  return PluginPtr(std::move(*opened));
}

void PluginRegistry::publish(std::vector<PluginPtr> plugins) {
  // A running canary's view follows the other plugins' changes.
  if (auto running = canary_.load()) {
    auto view_plugins = plugins;
    for (auto& p : view_plugins) {
      if (p->name == running->plugin->name) p = running->plugin;
    }
    canary_.store(std::make_shared<const Canary>(
        Canary{running->plugin, running->share,
               std::make_shared<const RegistrySnapshot>(RegistrySnapshot{std::move(view_plugins), running->plugin})}));
  }
  current_.store(std::make_shared<const RegistrySnapshot>(RegistrySnapshot{std::move(plugins), nullptr}));
}

SnapshotLease PluginRegistry::lease() const {
  if (auto running = canary_.load()) {
    thread_local std::mt19937_64 dice{std::random_device{}()};
    if (std::uniform_real_distribution<double>(0.0, 1.0)(dice) < running->share) return SnapshotLease(running->view);
  }
  return SnapshotLease(current_.load());
}

namespace {

std::vector<PluginPtr> replaced(std::vector<PluginPtr> plugins, const PluginPtr& old, const PluginPtr& version) {
  for (auto& p : plugins) {
    if (p == old) p = version;
  }
  return plugins;
}

PluginError canary_running(const std::string& name) {
  return PluginError{PluginError::Kind::duplicate,
                     "a canary of \"" + name + "\" is running: promote or abort it first"};
}

PluginError no_canary(const std::string& name) {
  return PluginError{PluginError::Kind::not_found, "no canary of \"" + name + "\" is running"};
}

}  // namespace

tl::expected<std::pair<PluginPtr, PluginPtr>, PluginError> PluginRegistry::next_version(
    const RegistrySnapshot& current, const std::string& name, const std::optional<std::string>& file,
    const std::optional<nlohmann::json>& config) {
  PluginPtr old = current.find(name);
  if (!old) return tl::unexpected(PluginError{PluginError::Kind::not_found, "no plugin named \"" + name + "\""});
  tl::expected<fs::path, PluginError> path = old->file;
  if (file) path = resolve(*file);
  if (!path) return tl::unexpected(path.error());
  auto built = build(*path, name, config.value_or(old->config));
  if (!built) return tl::unexpected(built.error());
  return std::pair{old, *built};
}

tl::expected<PluginPtr, PluginError> PluginRegistry::start_canary(const std::string& name,
                                                                  const std::optional<std::string>& file,
                                                                  const std::optional<nlohmann::json>& config,
                                                                  double share) {
  std::lock_guard lock(mutate_);
  if (auto running = canary_.load()) return tl::unexpected(canary_running(running->plugin->name));
  if (!(share > 0.0 && share <= 1.0))
    return tl::unexpected(PluginError{PluginError::Kind::invalid, "share must be above 0 and at most 1"});
  auto current = snapshot();
  auto next = next_version(*current, name, file, config);
  if (!next) return tl::unexpected(next.error());
  const auto& [old, built] = *next;
  canary_.store(std::make_shared<const Canary>(Canary{
      built, share,
      std::make_shared<const RegistrySnapshot>(RegistrySnapshot{replaced(current->plugins, old, built), built})}));
  log().info("canary started",
             {{"plugin", name}, {"version", built->version}, {"current_version", old->version}, {"share", share}});
  return built;
}

tl::expected<PluginPtr, PluginError> PluginRegistry::promote_canary(const std::string& name) {
  std::lock_guard lock(mutate_);
  auto running = canary_.load();
  if (!running || running->plugin->name != name) return tl::unexpected(no_canary(name));
  auto current = snapshot();
  PluginPtr old = current->find(name);
  canary_.store(nullptr);
  publish(replaced(current->plugins, old, running->plugin));
  if (old) {
    std::lock_guard retired_lock(retired_mutex_);
    retired_.push_back(old);
  }
  log().info("canary promoted", {{"plugin", name}, {"version", running->plugin->version}});
  return running->plugin;
}

tl::expected<PluginPtr, PluginError> PluginRegistry::abort_canary(const std::string& name) {
  std::lock_guard lock(mutate_);
  auto running = canary_.load();
  if (!running || running->plugin->name != name) return tl::unexpected(no_canary(name));
  canary_.store(nullptr);
  {
    std::lock_guard retired_lock(retired_mutex_);
    retired_.push_back(running->plugin);
  }
  log().info("canary aborted", {{"plugin", name}, {"version", running->plugin->version}});
  return running->plugin;
}

tl::expected<PluginPtr, PluginError> PluginRegistry::load(const std::string& file, const std::string& name,
                                                          const nlohmann::json& config) {
  auto result = load_now(file, name, config);
  if (on_operation_) on_operation_("load", result.has_value());
  return result;
}

tl::expected<PluginPtr, PluginError> PluginRegistry::load_now(const std::string& file, const std::string& name,
                                                              const nlohmann::json& config) {
  std::lock_guard lock(mutate_);
  auto path = resolve(file);
  if (!path) return tl::unexpected(path.error());
  auto current = snapshot();
  if (!name.empty() && current->find(name)) {
    return tl::unexpected(
        PluginError{PluginError::Kind::duplicate, "a plugin named \"" + name + "\" is already loaded"});
  }
  auto built = build(*path, name, config);
  if (!built) return built;
  if (current->find((*built)->name)) {
    return tl::unexpected(
        PluginError{PluginError::Kind::duplicate,
                    "a plugin named \"" + (*built)->name + "\" is already loaded (refused " + path->string() + ")"});
  }
  auto plugins = current->plugins;
  plugins.push_back(*built);
  publish(std::move(plugins));
  return built;
}

tl::expected<PluginPtr, PluginError> PluginRegistry::reload(const std::string& name,
                                                            const std::optional<std::string>& file,
                                                            const std::optional<nlohmann::json>& config) {
  auto result = reload_now(name, file, config);
  if (on_operation_) on_operation_("reload", result.has_value());
  return result;
}

tl::expected<PluginPtr, PluginError> PluginRegistry::reload_now(const std::string& name,
                                                                const std::optional<std::string>& file,
                                                                const std::optional<nlohmann::json>& config) {
  std::lock_guard lock(mutate_);
  if (auto running = canary_.load(); running && running->plugin->name == name)
    return tl::unexpected(canary_running(name));
  auto current = snapshot();
  auto next = next_version(*current, name, file, config);
  if (!next) return tl::unexpected(next.error());
  const auto& [old, built] = *next;
  publish(replaced(current->plugins, old, built));
  {
    std::lock_guard retired_lock(retired_mutex_);
    retired_.push_back(old);
  }
  log().info(
      "plugin reloaded",
      {{"plugin", name}, {"from_version", old->version}, {"to_version", built->version}, {"sha256", built->sha256}});
  return built;
}

tl::expected<void, PluginError> PluginRegistry::unload(const std::string& name) {
  auto result = unload_now(name);
  if (on_operation_) on_operation_("unload", result.has_value());
  return result;
}

tl::expected<void, PluginError> PluginRegistry::unload_now(const std::string& name) {
  std::lock_guard lock(mutate_);
  if (auto running = canary_.load(); running && running->plugin->name == name)
    return tl::unexpected(canary_running(name));
  auto current = snapshot();
  PluginPtr old = current->find(name);
  if (!old) return tl::unexpected(PluginError{PluginError::Kind::not_found, "no plugin named \"" + name + "\""});
  auto plugins = current->plugins;
  std::erase(plugins, old);
  publish(std::move(plugins));
  {
    std::lock_guard retired_lock(retired_mutex_);
    retired_.push_back(old);
  }
  log().info("plugin removed from registry", {{"plugin", name}, {"version", old->version}});
  return {};
}

std::vector<PluginRegistry::VersionStatus> PluginRegistry::versions() const {
  std::vector<VersionStatus> out;
  for (const auto& p : snapshot()->plugins) out.push_back({p, true});
  if (auto running = canary_.load()) out.push_back({running->plugin, false, true});
  std::lock_guard lock(retired_mutex_);
  std::erase_if(retired_, [](const auto& weak) { return weak.expired(); });
  for (const auto& weak : retired_) {
    if (auto p = weak.lock()) out.push_back({p, false});
  }
  return out;
}

tl::expected<PluginPtr, PluginError> PluginRegistry::inspect(const fs::path& file, const fs::path& private_dir) {
  auto opened = open_plugin(file, private_dir, host_expectation(), nlohmann::json::object(), nullptr);
  if (!opened) return tl::unexpected(opened.error());
  return PluginPtr(std::move(*opened));
}

tl::expected<PluginPtr, PluginError> check_plugin_file(const fs::path& plugin_dir, const std::string& file,
                                                       const fs::path& private_dir) {
  auto path = resolve_in(plugin_dir, file);
  if (!path) return tl::unexpected(path.error());
  return PluginRegistry::inspect(*path, private_dir);
}

}  // namespace switchboard
