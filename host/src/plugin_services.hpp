#pragma once
// The HostServices one plugin instance gets: its own logger, the shared services.

#include <string>

#include <switchboard/log.hpp>
#include <switchboard/plugin/host_services.hpp>

#include <switchboard/request_context.hpp>

#include "audit_log.hpp"
#include "parallel_runner.hpp"

namespace switchboard {

class PluginServices final : public plugin::HostServices {
 public:
  // Enough of a path to tell the route; a client's 20 KB path is not worth keeping for ever.
  static constexpr std::size_t kMaxAuditedPath = 256;

  PluginServices(const std::string& plugin_name, std::string config_dir, plugin::Metrics& metrics,
                 plugin::KeyValueStore& kv, plugin::LlmClient& llm, ParallelRunner& parallel,
                 plugin::CheckpointStore* checkpoints, plugin::KeyDirectory* keys, AuditLog& audit)
      : plugin_name_(plugin_name),
        logger_("plugin." + plugin_name),
        config_dir_(std::move(config_dir)),
        metrics_(metrics),
        kv_(kv),
        llm_(llm),
        parallel_(parallel),
        checkpoints_(checkpoints),
        keys_(keys),
        audit_(audit) {}

  plugin::Logger& logger() override { return logger_; }
  plugin::Metrics& metrics() override { return metrics_; }
  std::string config_dir() const override { return config_dir_; }
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
  plugin::KeyValueStore& kv() override { return kv_; }
  plugin::LlmClient& llm() override { return llm_; }
  void run_parallel(const std::vector<std::function<void()>>& tasks) override { parallel_.run(tasks); }
  plugin::CheckpointStore* checkpoints() override { return checkpoints_; }
  void emit_event(const nlohmann::json& event) override {
    const RequestContext* request = current_request();
    if (request && request->on_event) request->on_event(event);
  }
  plugin::KeyDirectory* api_keys() override { return keys_; }
  void set_principal(const plugin::Principal& principal) override {
    if (const RequestContext* request = current_request()) request->principal = principal;
  }
  std::optional<plugin::Principal> principal() const override {
    const RequestContext* request = current_request();
    return request ? request->principal : std::nullopt;
  }
  void audit(const std::string& action, const nlohmann::json& details) override {
    storage::AuditEvent event;
    event.action = action;
    event.details = details.is_object() ? details : nlohmann::json::object();
    event.details["plugin"] = plugin_name_;
    if (const RequestContext* request = current_request()) {
      event.request_id = request->request_id;
      event.details["client_ip"] = request->request.client_ip;
      // The path, unless the plugin's details say "path": null (an event that sums up many
      // requests: no one path is its, and a client's paths need not fill the store).
      if (const auto path = event.details.find("path"); path == event.details.end()) {
        event.details["path"] = request->request.path.substr(0, kMaxAuditedPath);
      } else if (path->is_null()) {
        event.details.erase(path);
      }
      event.actor = request->principal ? request->principal->kind + ":" + request->principal->id
                                       : "anonymous@" + request->request.client_ip;
    }
    audit_.record(std::move(event));
  }

 private:
  std::string plugin_name_;
  Logger logger_;
  std::string config_dir_;
  plugin::Metrics& metrics_;
  plugin::KeyValueStore& kv_;
  plugin::LlmClient& llm_;
  ParallelRunner& parallel_;
  plugin::CheckpointStore* checkpoints_;
  plugin::KeyDirectory* keys_;
  AuditLog& audit_;
};

}  // namespace switchboard
