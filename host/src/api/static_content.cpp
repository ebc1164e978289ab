#include "static_content.hpp"

#include <fstream>
#include <sstream>

#include <switchboard/request_context.hpp>

#include "../digest.hpp"

namespace switchboard {
namespace {

// If-None-Match: a list of tags (weak ones too, W/"…"), or *.
bool not_modified(const RequestContext& context, const std::string& etag) {
  const auto header = context.request.header("If-None-Match");
  if (!header) return false;
  std::stringstream list(*header);
  std::string tag;
  while (std::getline(list, tag, ',')) {
    tag.erase(0, tag.find_first_not_of(" \t"));
    tag.erase(tag.find_last_not_of(" \t") + 1);
    if (tag.starts_with("W/")) tag.erase(0, 2);
    if (tag == etag || tag == "*") return true;
  }
  return false;
}

}  // namespace

std::shared_ptr<const StaticContent> make_static_content(std::string body) {
  std::string etag = "\"" + sha256_hex(body).substr(0, 32) + "\"";
  return std::make_shared<const StaticContent>(StaticContent{std::move(body), std::move(etag)});
}

HttpResponse static_content_response(const RequestContext& context, const StaticContent& content,
                                     std::string_view content_type, std::string_view cache_control) {
  HttpResponse response;
  // A 304 carries the type too: caches may update the stored headers from it.
  response.content_type = std::string(content_type);
  response.set_header("ETag", content.etag);
  response.set_header("Cache-Control", std::string(cache_control));
  if (not_modified(context, content.etag)) {
    response.status = 304;
  } else {
    response.body = content.body;
  }
  return response;
}

std::shared_ptr<const StaticContent> StaticFolder::get(std::string_view name) {
  namespace fs = std::filesystem;
  const fs::path path = dir_ / std::string(name);
  std::error_code error;
  const auto modified = fs::last_write_time(path, error);
  const auto size = error ? 0 : fs::file_size(path, error);
  if (error) return nullptr;

  std::lock_guard lock(mutex_);
  auto& entry = files_[std::string(name)];
  if (!entry.content || entry.modified != modified || entry.size != size) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    if (!in || !(bytes << in.rdbuf())) return nullptr;
    entry = Entry{modified, size, make_static_content(std::move(bytes).str())};
  }
  return entry.content;
}

}  // namespace switchboard
