#include "pistache_headers.hpp"

#include <mutex>

#include <pistache/http_headers.h>

#include "private_member.hpp"

namespace switchboard {

namespace Header = Pistache::Http::Header;

// Header::Registry has no way to replace or remove a registration, and registerHeader
// throws for a name it knows: its private map is reached as private_member.hpp explains.
struct PistacheRegistryMap {
  friend auto private_member(PistacheRegistryMap);
};
template struct ExposePrivate<PistacheRegistryMap, &Header::Registry::registry>;

void keep_headers_raw() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto& registry = Header::Registry::instance().*private_member(PistacheRegistryMap{});
    registry.erase("Cache-Control");
    registry.erase("Content-Length");
  });
}

}  // namespace switchboard
