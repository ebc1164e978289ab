#pragma once
// The in-process key-value store (Redis takes over when configured, in a later issue).

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include <switchboard/plugin/host_services.hpp>

namespace switchboard {

class MemoryKeyValueStore final : public plugin::KeyValueStore {
 public:
  std::optional<std::string> get(const std::string& key) override;
  void put(const std::string& key, std::string value, std::chrono::seconds ttl) override;
  void erase(const std::string& key) override;

 private:
  struct Entry {
    std::string value;
    std::chrono::steady_clock::time_point expires;  // max(): never
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace switchboard
