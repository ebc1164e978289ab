#pragma once
// Files served as they are (the /docs page, the web console): a body with its ETag, answered
// 304 to a matching If-None-Match, and a folder whose files are read when first asked for.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <switchboard/http_types.hpp>

namespace switchboard {

struct RequestContext;

struct StaticContent {
  std::string body;
  std::string etag;  // strong, from the body's SHA-256
};

std::shared_ptr<const StaticContent> make_static_content(std::string body);

// 200 with the body, or 304 when If-None-Match names its tag (or *); both carry the type,
// the ETag and `cache_control`.
HttpResponse static_content_response(const RequestContext& context, const StaticContent& content,
                                     std::string_view content_type, std::string_view cache_control);

// One folder's files by name. A file is read on its first request and again when its size or
// modification time changes (a rebuilt console is served without a restart); one missing is
// looked for again on the next request. Names are the caller's to check: this joins them to
// the folder as they are.
class StaticFolder {
 public:
  explicit StaticFolder(std::filesystem::path dir) : dir_(std::move(dir)) {}

  std::shared_ptr<const StaticContent> get(std::string_view name);
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Entry {
    std::filesystem::file_time_type modified;
    std::uintmax_t size = 0;
    std::shared_ptr<const StaticContent> content;
  };

  const std::filesystem::path dir_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> files_;
};

}  // namespace switchboard
