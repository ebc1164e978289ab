#include "pistache_headers.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <pistache/http_headers.h>

namespace switchboard {
namespace {

namespace Header = Pistache::Http::Header;

// Header::Registry has no way to replace or remove a registration, and registerHeader
// throws for a name it knows. Its map is private; an explicit instantiation may name a
// private member ([temp.spec.general]: access is not checked there), which is how this
// file reaches it without patching the library. The type is spelled out from the public
// pieces so a Pistache whose map differs fails to compile here rather than misbehave.
using RegistryMap = std::unordered_map<std::string, std::function<std::unique_ptr<Header::Header>()>,
                                       Header::LowercaseHash, Header::LowercaseEqual>;

struct RegistryMapTag {
  using Member = RegistryMap Header::Registry::*;
  friend Member registry_map(RegistryMapTag);
};

template <typename Tag, typename Tag::Member member>
struct ExposeMember {
  friend typename Tag::Member registry_map(Tag) { return member; }
};

template struct ExposeMember<RegistryMapTag, &Header::Registry::registry>;

}  // namespace

void keep_cache_control_raw() {
  static std::once_flag once;
  std::call_once(once, [] { (Header::Registry::instance().*registry_map(RegistryMapTag{})).erase("Cache-Control"); });
}

}  // namespace switchboard
