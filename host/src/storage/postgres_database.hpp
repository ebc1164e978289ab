#pragma once
#include <switchboard/storage/database.hpp>

namespace switchboard::storage {
std::unique_ptr<Database> open_postgres(const std::string& url, std::size_t pool_size);
}
