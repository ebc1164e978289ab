#pragma once
#include <switchboard/storage/database.hpp>

namespace switchboard::storage {
std::unique_ptr<Database> open_sqlite(const std::string& path, std::size_t pool_size);
}
