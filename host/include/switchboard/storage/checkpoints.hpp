#pragma once
// Checkpoints of graph runs: the host's CheckpointStore (plugin-api 1.1), one row per run and
// superstep, so a run can be resumed by id, here or on another instance after a restart.
// A run belongs to the owner (owner.hpp) that started it: `owner` names the owner of the
// request being served when a step is saved or a run looked up, and another owner's run is
// unknown to it.

#include <functional>
#include <optional>
#include <string>

#include <switchboard/plugin/host_services.hpp>
#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

class CheckpointRepository final : public plugin::CheckpointStore {
 public:
  CheckpointRepository(Database& database, std::function<std::string()> owner)
      : database_(database), owner_(std::move(owner)) {}
  void save(const plugin::Checkpoint& checkpoint) override;
  std::optional<plugin::Checkpoint> latest(const std::string& run_id) override;

 private:
  Database& database_;
  std::function<std::string()> owner_;
};

}  // namespace switchboard::storage
