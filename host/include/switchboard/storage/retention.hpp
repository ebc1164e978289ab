#pragma once
// Retention: deletes records older than the configured age, a thousand rows per transaction
// so no lock is held for long. Stories by creation, chat messages by creation and
// conversations by last update (their messages go with them), context executions and
// uploaded context files, jobs by completion (pending and running ones are never touched),
// ledger rows and audit events. The ledger's daily roll-up stays, so usage reports keep
// their totals.

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <switchboard/config.hpp>
#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

// What one run deleted, per table.
using RetentionReport = std::vector<std::pair<std::string, std::int64_t>>;

RetentionReport apply_retention(Database& database, const RetentionConfig& config,
                                std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace switchboard::storage
