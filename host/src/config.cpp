#include <switchboard/config.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include <switchboard/resilience.hpp>

#include "request_guards.hpp"
#include "yaml_json.hpp"

extern char** environ;

namespace switchboard {
namespace {

using nlohmann::json;

tl::expected<json, ConfigError> parse_yaml(const std::string& text, const std::string& origin) {
  try {
    json doc = yaml_to_json(YAML::Load(text));
    if (doc.is_null()) return json::object();
    if (!doc.is_object()) return tl::unexpected(ConfigError{"", origin + ": the top level must be a map"});
    return doc;
  } catch (const YAML::Exception& e) {
    return tl::unexpected(ConfigError{"", origin + ": invalid YAML: " + e.what()});
  }
}

// Maps merge key by key; anything else (lists included) is replaced by the overlay.
void merge_into(json& base, const json& overlay) {
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    if (it->is_object() && base.contains(it.key()) && base[it.key()].is_object()) {
      merge_into(base[it.key()], *it);
    } else {
      base[it.key()] = *it;
    }
  }
}

// An environment value read as a YAML scalar, so "8080" is a number and "true" a boolean.
json env_scalar(const std::string& value) {
  if (value.empty()) return std::string();
  try {
    YAML::Node node = YAML::Load(value);
    if (node.IsScalar()) return yaml_scalar_to_json(node);
  } catch (const YAML::Exception&) {
  }
  return value;
}

// Where each overridden key came from, to name the variable in errors.
using Origins = std::map<std::string, std::string>;

void set_path(json& doc, const std::string& dotted, json value) {
  json* node = &doc;
  std::stringstream parts(dotted);
  std::string part;
  while (std::getline(parts, part, '.')) {
    if (!node->is_object()) *node = json::object();
    node = &(*node)[part];
  }
  *node = std::move(value);
}

void apply_environment(json& doc, const Environment& env, Origins& origins) {
  static const std::map<std::string, std::string> named = {
      {"SWITCHBOARD_HOST", "server.host"},
      {"SWITCHBOARD_PORT", "server.port"},
      {"SWITCHBOARD_THREADS", "server.threads"},
      {"SWITCHBOARD_ENVIRONMENT", "server.environment"},
      {"SWITCHBOARD_ADMIN_TOKEN", "server.admin_token"},
      {"SWITCHBOARD_DATA_DIR", "paths.data_dir"},
      {"SWITCHBOARD_PLUGIN_DIR", "paths.plugin_dir"},
      {"SWITCHBOARD_CONFIG_DIR", "paths.config_dir"},
      {"SWITCHBOARD_DOCS_UI_DIR", "paths.docs_ui_dir"},
      {"SWITCHBOARD_CONSOLE_DIR", "paths.console_dir"},
      {"SWITCHBOARD_LOG_FILE", "logging.file"},
      {"SWITCHBOARD_LOG_LEVEL", "logging.level"},
      {"LOG_LEVEL", "logging.level"},
      {"DATABASE_URL", "storage.url"},
      {"RESILIENCE_PRESET", "resilience.preset"},
      {"REDIS_URL", "cache.redis_url"},
      {"SWITCHBOARD_WEBHOOK_SECRET", "jobs.webhook_secret"},
  };
  for (const auto& [variable, key] : named) {
    auto it = env.find(variable);
    if (it == env.end()) continue;
    // Values are read as YAML scalars so numbers stay numbers; secrets and URLs stay text.
    const bool text = key == "server.admin_token" || key == "jobs.webhook_secret" || key == "cache.redis_url";
    json value = text ? json(it->second) : env_scalar(it->second);
    set_path(doc, key, value);
    origins[key] = variable;
  }
  if (auto it = env.find("RESILIENCE_CUSTOM_CONFIG"); it != env.end() && !it->second.empty()) {
    // JSON, as in seed 002; kept as text when invalid so the error can name the variable.
    json custom = json::parse(it->second, nullptr, false);
    set_path(doc, "resilience.custom", custom.is_discarded() ? json(it->second) : custom);
    origins["resilience.custom"] = "RESILIENCE_CUSTOM_CONFIG";
  }
  // SWITCHBOARD__a__b=value sets a.b (any key, for everything without a named variable).
  for (const auto& [variable, value] : env) {
    static const std::string prefix = "SWITCHBOARD__";
    if (variable.rfind(prefix, 0) != 0 || variable.size() == prefix.size()) continue;
    std::string key = variable.substr(prefix.size());
    for (std::size_t at = key.find("__"); at != std::string::npos; at = key.find("__", at + 1)) {
      key.replace(at, 2, ".");
    }
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    set_path(doc, key, env_scalar(value));
    origins[key] = variable;
  }
}

// The seeds' PROVIDER_* variables describe the default provider instance: with a base URL
// it is an OpenAI-compatible upstream; without one they only rename the mock.
void apply_provider_environment(json& doc, const Environment& env, Origins& origins) {
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  auto base_url = get("PROVIDER_API_BASE_URL");
  auto model = get("PROVIDER_MODEL");
  auto name = get("PROVIDER_NAME");
  if (!base_url && !model && !name) return;
  if (base_url) {
    json instance = {{"name", "default"},
                     {"display_name", name.value_or("OpenAI-compatible")},
                     {"plugin", "openai"},
                     {"base_url", *base_url},
                     {"api_key_env", "PROVIDER_API_KEY"},
                     {"model", model.value_or("")},
                     {"cost_model", "price-table"}};
    doc["providers"] = json::array({instance});
    doc["default_provider"] = "default";
    origins["providers"] = "PROVIDER_API_BASE_URL";
    return;
  }
  for (auto& instance : doc["providers"]) {
    if (instance.value("name", "") != doc.value("default_provider", "")) continue;
    if (model) instance["model"] = *model;
    if (name) instance["display_name"] = *name;
  }
}

// A value quoted in an error message. Operator input may hold invalid UTF-8: replace it
// rather than throw while explaining another mistake.
std::string quoted(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

class Reader {
 public:
  Reader(const json& doc, const Origins& origins) : doc_(doc), origins_(origins) {}

  std::optional<ConfigError> error;

  const json* find(const std::string& key) const {
    const json* node = &doc_;
    std::stringstream parts(key);
    std::string part;
    while (std::getline(parts, part, '.')) {
      if (!node->is_object() || !node->contains(part)) return nullptr;
      node = &(*node)[part];
    }
    return node;
  }

  void fail(const std::string& key, const std::string& message) {
    if (error) return;
    std::string text = message;
    for (const auto& [origin_key, variable] : origins_) {
      if (key == origin_key || key.rfind(origin_key + ".", 0) == 0 || key.rfind(origin_key + "[", 0) == 0) {
        text += " (from " + variable + ")";
        break;
      }
    }
    error = ConfigError{key, text};
  }

  void string(const std::string& key, std::string& out) {
    const json* node = find(key);
    if (!node || node->is_null()) return;
    if (node->is_string())
      out = node->get<std::string>();
    else if (node->is_number() || node->is_boolean())
      out = quoted(*node);
    else
      fail(key, "expected text, got " + quoted(*node));
  }

  template <class Int>
  void integer(const std::string& key, Int& out, long long min, long long max) {
    const json* node = find(key);
    if (!node || node->is_null()) return;
    if (!node->is_number_integer() || node->get<long long>() < min || node->get<long long>() > max) {
      fail(key,
           "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " + quoted(*node));
      return;
    }
    out = static_cast<Int>(node->get<long long>());
  }

  // US dollars, 0 to 1 000 000, kept as nano-dollars (as the usage ledger counts them).
  void usd(const std::string& key, std::int64_t& out) {
    const json* node = find(key);
    if (!node || node->is_null()) return;
    if (!node->is_number() || !(node->get<double>() >= 0) || node->get<double>() > 1e6) {
      return fail(key, "expected US dollars from 0 to 1000000, got " + quoted(*node));
    }
    out = std::llround(node->get<double>() * 1e9);
  }

  void boolean(const std::string& key, bool& out) {
    const json* node = find(key);
    if (!node || node->is_null()) return;
    if (!node->is_boolean()) return fail(key, "expected true or false, got " + quoted(*node));
    out = node->get<bool>();
  }

  void one_of(const std::string& key, std::string& out, const std::set<std::string>& allowed) {
    string(key, out);
    if (!allowed.count(out)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(key, "expected one of " + list + ", got \"" + out + "\"");
    }
  }

  void strings(const std::string& key, std::vector<std::string>& out) {
    const json* node = find(key);
    if (!node || node->is_null()) return;
    if (!node->is_array()) return fail(key, "expected a list of text, got " + quoted(*node));
    out.clear();
    for (std::size_t i = 0; i < node->size(); ++i) {
      if (!(*node)[i].is_string())
        return fail(key + "[" + std::to_string(i) + "]", "expected text, got " + quoted((*node)[i]));
      out.push_back((*node)[i].get<std::string>());
    }
  }

 private:
  const json& doc_;
  const Origins& origins_;
};

void read_plugins(Reader& reader, Config& config) {
  const json* list = reader.find("plugins");
  if (!list || list->is_null()) return;
  if (!list->is_array()) return reader.fail("plugins", "expected a list of plugins");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = "plugins[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!item.is_object()) return reader.fail(at, "expected a map with name and file");
    PluginSpec spec;
    if (!item.contains("file") || !item["file"].is_string() || item["file"].get<std::string>().empty())
      return reader.fail(at + ".file", "required: the plugin's .so file, relative to the plugin folder");
    spec.file = item["file"];
    if (!item.contains("name") || !item["name"].is_string() || item["name"].get<std::string>().empty())
      return reader.fail(at + ".name", "required: the plugin's name");
    spec.name = item["name"];
    if (!names.insert(spec.name).second)
      return reader.fail(at + ".name", "duplicate plugin name \"" + spec.name + "\"");
    if (item.contains("config") && !item["config"].is_null()) {
      if (!item["config"].is_object()) return reader.fail(at + ".config", "expected a map");
      spec.config = item["config"];
    }
    if (item.contains("enabled") && item["enabled"] == false) continue;
    config.plugins.push_back(std::move(spec));
  }
}

void read_providers(Reader& reader, Config& config) {
  const json* list = reader.find("providers");
  if (!list || list->is_null()) return;
  if (!list->is_array()) return reader.fail("providers", "expected a list of provider instances");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = "providers[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!item.is_object()) return reader.fail(at, "expected a map with name and plugin");
    ProviderInstanceConfig instance;
    for (const char* required : {"name", "plugin"}) {
      if (!item.contains(required) || !item[required].is_string() || item[required].get<std::string>().empty())
        return reader.fail(at + "." + required, "required text");
    }
    instance.name = item["name"];
    instance.plugin = item["plugin"];
    if (!names.insert(instance.name).second)
      return reader.fail(at + ".name", "duplicate provider instance \"" + instance.name + "\"");
    auto text = [&](const char* key, std::string& out) {
      if (!item.contains(key) || item[key].is_null()) return true;
      if (!item[key].is_string()) {
        reader.fail(at + "." + key, "expected text, got " + quoted(item[key]));
        return false;
      }
      out = item[key];
      return true;
    };
    if (!text("display_name", instance.display_name) || !text("base_url", instance.base_url) ||
        !text("api_key_env", instance.api_key_env) || !text("model", instance.model) ||
        !text("cost_model", instance.cost_model))
      return;
    if (instance.display_name.empty()) instance.display_name = instance.name;
    if (item.contains("models")) {
      if (!item["models"].is_array()) return reader.fail(at + ".models", "expected a list of model names");
      for (const auto& m : item["models"]) {
        if (!m.is_string()) return reader.fail(at + ".models", "expected a list of model names");
        instance.models.push_back(m);
      }
    }
    if (item.contains("headers")) {
      if (!item["headers"].is_object()) return reader.fail(at + ".headers", "expected a map of header names to values");
      for (auto it = item["headers"].begin(); it != item["headers"].end(); ++it) {
        if (!it->is_string()) return reader.fail(at + ".headers." + it.key(), "expected text");
        instance.headers[it.key()] = *it;
      }
    }
    if (item.contains("timeouts")) {
      if (!item["timeouts"].is_object()) return reader.fail(at + ".timeouts", "expected a map");
      for (auto it = item["timeouts"].begin(); it != item["timeouts"].end(); ++it) {
        static const std::set<std::string> known = {"connect_ms", "first_byte_ms", "idle_ms", "total_ms"};
        if (!known.count(it.key())) return reader.fail(at + ".timeouts." + it.key(), "unknown timeout");
        if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > 86'400'000)
          return reader.fail(at + ".timeouts." + it.key(), "expected milliseconds from 1 to 86400000");
      }
      instance.timeouts = item["timeouts"];
    }
    if (item.contains("options")) {
      if (!item["options"].is_object()) return reader.fail(at + ".options", "expected a map");
      instance.options = item["options"];
    }
    config.providers.push_back(std::move(instance));
  }
}

void read_routing(Reader& reader, Config& config) {
  auto known = [&](const std::string& name) {
    for (const auto& p : config.providers) {
      if (p.name == name) return true;
    }
    return false;
  };
  if (const json* weights = reader.find("routing.weights"); weights && !weights->is_null()) {
    if (!weights->is_object()) return reader.fail("routing.weights", "expected a map of instance to weight");
    for (auto it = weights->begin(); it != weights->end(); ++it) {
      if (!known(it.key())) return reader.fail("routing.weights." + it.key(), "not a configured provider instance");
      if (!it->is_number() || it->get<double>() <= 0)
        return reader.fail("routing.weights." + it.key(), "expected a positive number");
      config.routing.weights[it.key()] = it->get<double>();
    }
  }
  if (const json* fallbacks = reader.find("routing.fallbacks"); fallbacks && !fallbacks->is_null()) {
    if (!fallbacks->is_object())
      return reader.fail("routing.fallbacks", "expected a map of instance to a list of instances");
    for (auto it = fallbacks->begin(); it != fallbacks->end(); ++it) {
      if (!known(it.key())) return reader.fail("routing.fallbacks." + it.key(), "not a configured provider instance");
      if (!it->is_array()) return reader.fail("routing.fallbacks." + it.key(), "expected a list of instances");
      for (const auto& next : *it) {
        if (!next.is_string() || !known(next.get<std::string>()))
          return reader.fail("routing.fallbacks." + it.key(), "lists an unknown provider instance " + quoted(next));
        config.routing.fallbacks[it.key()].push_back(next);
      }
    }
  }
}

tl::expected<Config, ConfigError> build(json doc, const Environment& env) {
  Origins origins;
  apply_environment(doc, env, origins);
  apply_provider_environment(doc, env, origins);

  static const std::set<std::string> known_sections = {
      "server",           "paths",   "logging",    "storage",   "plugins",  "middleware", "providers",
      "default_provider", "routing", "resilience", "retention", "analysis", "cache",      "jobs",
      "metrics",          "cluster", "budgets"};
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (!known_sections.count(it.key())) {
      std::string variable = origins.count(it.key()) ? " (from " + origins[it.key()] + ")" : "";
      return tl::unexpected(ConfigError{it.key(), "unknown section" + variable});
    }
  }

  Config config;
  Reader reader(doc, origins);
  reader.string("server.host", config.server.host);
  reader.integer("server.port", config.server.port, 0, 65535);
  reader.integer("server.threads", config.server.threads, 1, 256);
  reader.integer("server.max_request_bytes", config.server.max_request_bytes, 4096, 1LL << 31);
  reader.integer("analysis.max_repairs", config.analysis.max_repairs, 0, 10);
  reader.integer("budgets.default_max_tokens", config.budgets.default_max_tokens, 1, 1'000'000);
  reader.usd("budgets.jwt_daily_usd", config.budgets.jwt_daily_nanousd);
  reader.usd("budgets.jwt_monthly_usd", config.budgets.jwt_monthly_nanousd);
  reader.boolean("metrics.require_token", config.metrics.require_token);
  reader.boolean("cache.enabled", config.cache.enabled);
  reader.integer("cache.ttl_seconds", config.cache.ttl_seconds, 1, 30 * 86400);
  reader.integer("cache.max_entries", config.cache.max_entries, 0, 100'000'000);
  reader.integer("cache.max_bytes", config.cache.max_bytes, 0, 1LL << 40);
  reader.integer("cache.max_entry_bytes", config.cache.max_entry_bytes, 1024, 1LL << 30);
  reader.integer("cache.compress_above_bytes", config.cache.compress_above_bytes, 0, 1LL << 30);
  reader.boolean("cache.shared_across_keys", config.cache.shared_across_keys);
  reader.string("cache.redis_url", config.cache.redis_url);
  reader.string("cache.redis_prefix", config.cache.redis_prefix);
  reader.boolean("cluster.plugin_sync", config.cluster.plugin_sync);
  reader.string("cluster.channel", config.cluster.channel);
  reader.integer("jobs.workers", config.jobs.workers, 0, 256);
  reader.integer("jobs.heartbeat_seconds", config.jobs.heartbeat_seconds, 1, 3600);
  reader.integer("jobs.stale_after_seconds", config.jobs.stale_after_seconds, 2, 86400);
  reader.integer("jobs.max_attempts", config.jobs.max_attempts, 1, 100);
  reader.integer("jobs.timeout_seconds", config.jobs.timeout_seconds, 1, 86400);
  reader.string("jobs.webhook_secret", config.jobs.webhook_secret);
  reader.integer("jobs.webhook_attempts", config.jobs.webhook_attempts, 1, 100);
  reader.integer("jobs.webhook_backoff_ms", config.jobs.webhook_backoff_ms, 10, 3'600'000);
  reader.integer("jobs.webhook_timeout_ms", config.jobs.webhook_timeout_ms, 100, 600'000);
  reader.boolean("jobs.webhook_allow_private", config.jobs.webhook_allow_private);
  reader.integer("server.max_header_bytes", config.server.max_header_bytes, 1024, 1 << 20);
  reader.integer("server.max_headers", config.server.max_headers, 8, 10000);
  reader.integer("server.header_timeout_seconds", config.server.header_timeout_seconds, 1, 3600);
  reader.integer("server.body_timeout_seconds", config.server.body_timeout_seconds, 1, 3600);
  reader.string("server.environment", config.server.environment);
  reader.string("server.admin_token", config.server.admin_token);
  reader.integer("server.drain_seconds", config.server.drain_seconds, 0, 3600);
  reader.boolean("server.allow_unauthenticated", config.server.allow_unauthenticated);
  reader.strings("server.allowed_hosts", config.server.allowed_hosts);
  reader.integer("server.workers", config.server.workers, 1, 4096);
  reader.integer("server.worker_queue", config.server.worker_queue, 0, 1000000);
  reader.string("paths.data_dir", config.paths.data_dir);
  reader.string("paths.plugin_dir", config.paths.plugin_dir);
  reader.string("paths.config_dir", config.paths.config_dir);
  reader.string("paths.docs_ui_dir", config.paths.docs_ui_dir);
  reader.string("paths.console_dir", config.paths.console_dir);
  reader.one_of("logging.level", config.logging.level, {"trace", "debug", "info", "warn", "error"});
  reader.string("logging.file", config.logging.file);
  reader.integer("logging.max_file_bytes", config.logging.max_file_bytes, 1024, 1LL << 40);
  reader.integer("logging.max_files", config.logging.max_files, 1, 1000);
  reader.string("storage.url", config.storage.url);
  reader.integer("retention.stories_days", config.retention.stories_days, 0, 36500);
  reader.integer("retention.chat_messages_days", config.retention.chat_messages_days, 0, 36500);
  reader.integer("retention.context_days", config.retention.context_days, 0, 36500);
  reader.integer("retention.checkpoint_days", config.retention.checkpoint_days, 0, 36500);
  reader.integer("retention.jobs_hours", config.retention.jobs_hours, 0, 876000);
  reader.integer("retention.ledger_days", config.retention.ledger_days, 0, 36500);
  reader.integer("retention.audit_days", config.retention.audit_days, 0, 36500);
  reader.integer("retention.sweep_minutes", config.retention.sweep_minutes, 1, 10080);
  reader.strings("middleware", config.middleware);
  // /metrics counts every tenant's calls: behind the admin token whenever the `auth`
  // middleware tells tenants apart, unless `metrics.require_token` says otherwise.
  if (!reader.find("metrics.require_token")) {
    config.metrics.require_token =
        std::find(config.middleware.begin(), config.middleware.end(), "auth") != config.middleware.end();
  }
  reader.string("default_provider", config.default_provider);
  reader.one_of("routing.strategy", config.routing.strategy,
                {"fallback", "round_robin", "weighted", "least_busy", "lowest_latency", "lowest_cost"});
  reader.string("resilience.preset", config.resilience.preset);
  if (!reader.error) read_plugins(reader, config);
  if (!reader.error) read_providers(reader, config);
  if (!reader.error) read_routing(reader, config);
  if (reader.error) return tl::unexpected(*reader.error);
  if (const json* custom = reader.find("resilience.custom"); custom && !custom->is_null()) {
    config.resilience.custom = *custom;
  }
  if (auto policy = resolve_policy(config.resilience.preset, config.resilience.custom); !policy) {
    const bool custom_failed = policy.error().rfind("unknown preset", 0) != 0;
    const std::string key = custom_failed ? "resilience.custom" : "resilience.preset";
    std::string message = policy.error();
    if (origins.count(key)) message += " (from " + origins[key] + ")";
    return tl::unexpected(ConfigError{key, message});
  }

  if (config.server.host.empty()) return tl::unexpected(ConfigError{"server.host", "must not be empty"});
  for (std::size_t i = 0; i < config.server.allowed_hosts.size(); ++i) {
    if (!valid_allowed_host(config.server.allowed_hosts[i]))
      return tl::unexpected(ConfigError{"server.allowed_hosts[" + std::to_string(i) + "]",
                                        "expected a host name or IP address without a port (IPv6 in brackets), or "
                                        "\"*\", got \"" +
                                            config.server.allowed_hosts[i] + "\""});
  }
  if (!config.server.admin_token.empty() && config.server.admin_token.size() < 16)
    return tl::unexpected(ConfigError{"server.admin_token", "must be at least 16 characters"});
  if (!config.storage.url.empty() && config.storage.url.rfind("sqlite://", 0) != 0 &&
      config.storage.url.rfind("postgresql://", 0) != 0 && config.storage.url.rfind("postgres://", 0) != 0)
    return tl::unexpected(
        ConfigError{"storage.url", "expected sqlite:///path or postgresql://…" +
                                       (origins.count("storage.url") ? " (from DATABASE_URL)" : std::string())});
  for (std::size_t i = 0; i < config.middleware.size(); ++i) {
    bool known = false;
    for (const auto& p : config.plugins) known = known || p.name == config.middleware[i];
    if (!known)
      return tl::unexpected(ConfigError{"middleware[" + std::to_string(i) + "]",
                                        "\"" + config.middleware[i] + "\" is not among the plugins to load"});
  }
  if (!config.default_provider.empty()) {
    bool known = false;
    for (const auto& p : config.providers) known = known || p.name == config.default_provider;
    if (!known)
      return tl::unexpected(
          ConfigError{"default_provider", "\"" + config.default_provider + "\" is not a configured provider instance"});
  } else if (!config.providers.empty()) {
    config.default_provider = config.providers.front().name;
  }
  return config;
}

}  // namespace

Environment process_environment() {
  Environment env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text(*entry);
    auto eq = text.find('=');
    if (eq != std::string::npos) env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return env;
}

tl::expected<Config, ConfigError> load_config_text(const std::string& yaml_text, const Environment& env) {
  auto defaults = parse_yaml(embedded_default_config(), "embedded defaults");
  if (!defaults) return tl::unexpected(defaults.error());
  auto overlay = parse_yaml(yaml_text, "configuration");
  if (!overlay) return tl::unexpected(overlay.error());
  merge_into(*defaults, *overlay);
  return build(std::move(*defaults), env);
}

tl::expected<Config, ConfigError> load_config(const std::optional<std::string>& file, const Environment& env) {
  std::string text;
  if (file) {
    std::ifstream in(*file);
    if (!in) return tl::unexpected(ConfigError{"", "cannot read configuration file " + *file});
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    auto parsed = parse_yaml(text, *file);
    if (!parsed) return tl::unexpected(parsed.error());
  }
  return load_config_text(text, env);
}

}  // namespace switchboard
