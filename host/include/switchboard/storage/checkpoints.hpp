#pragma once
// Checkpoints of graph runs: the host's CheckpointStore (plugin-api 1.1), one row per run and
// superstep, so a run can be resumed by id, here or on another instance after a restart.

#include <optional>
#include <string>

#include <switchboard/plugin/host_services.hpp>
#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

class CheckpointRepository final : public plugin::CheckpointStore {
 public:
  explicit CheckpointRepository(Database& database) : database_(database) {}
  void save(const plugin::Checkpoint& checkpoint) override;
  std::optional<plugin::Checkpoint> latest(const std::string& run_id) override;

 private:
  Database& database_;
};

}  // namespace switchboard::storage
