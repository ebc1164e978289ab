#include <switchboard/storage/context_files.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {

void ContextFileRepository::create(const ContextFile& f) {
  database_.query(
      "INSERT INTO context_files (id, owner, filename, file_type, file_size_bytes, content, processed_content_length, "
      "processing_time_ms, request_id, transaction_guid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {f.id, f.owner, f.filename, f.file_type, f.file_size_bytes, f.content, f.processed_content_length,
       f.processing_time_ms, nullable(f.request_id), nullable(f.transaction_guid),
       f.created_at.empty() ? utc_now() : f.created_at});
}

std::optional<ContextFile> ContextFileRepository::get(const std::string& id, const std::string& owner) {
  const auto rows = database_.query(
      "SELECT id, owner, filename, file_type, file_size_bytes, content, processed_content_length, processing_time_ms, "
      "request_id, transaction_guid, " +
          select_time(database_.dialect(), "created_at") + " FROM context_files WHERE id = ? AND owner = ?",
      {id, owner});
  if (rows.empty()) return std::nullopt;
  const Row& row = rows[0];
  ContextFile f;
  f.id = row.text(0);
  f.owner = row.text(1);
  f.filename = row.text(2);
  f.file_type = row.text(3);
  f.file_size_bytes = row.integer(4);
  f.content = row.text(5);
  f.processed_content_length = row.integer(6);
  f.processing_time_ms = row.real(7);
  f.request_id = row.text(8);
  f.transaction_guid = row.text(9);
  f.created_at = row.text(10);
  return f;
}

}  // namespace switchboard::storage
