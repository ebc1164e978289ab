#pragma once
// Plugin changes shared by the instances of one deployment: a load, reload, unload or canary
// step made through one instance's admin API (or a canary's rollback) is published on a Redis
// channel, and every other instance subscribed to it makes the same change to its own
// registry. Each instance's plugin folder is expected to hold the same files (one image, or
// one shared volume).

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace switchboard {

namespace redis {
class Pool;
}

class PluginSync {
 public:
  // `apply` makes a change another instance published: {"action": load|reload|unload|
  // canary.start|canary.promote|canary.abort, "name", "file"?, "config"?, "policy"?,
  // "reason"?}. Subscribes at once, and again after Redis comes back.
  PluginSync(const std::string& redis_url, std::string channel, std::function<void(const nlohmann::json&)> apply);
  ~PluginSync();
  PluginSync(const PluginSync&) = delete;
  PluginSync& operator=(const PluginSync&) = delete;

  // Tells the other instances of a change this one made; false when Redis could not take it
  // (logged: the change stands here, the others keep what they have).
  bool publish(nlohmann::json change);

  const std::string& instance_id() const { return instance_id_; }

 private:
  void listen();

  const std::string instance_id_;
  const std::string channel_;
  const std::function<void(const nlohmann::json&)> apply_;
  std::unique_ptr<redis::Pool> pool_;
  std::atomic<bool> stopping_ = false;
  std::thread listener_;
};

}  // namespace switchboard
