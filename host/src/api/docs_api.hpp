#pragma once
// The API's own documentation (docs_api.cpp): the OpenAPI document and the Swagger UI page.

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace switchboard {

// Compiled in from host/openapi/openapi.yaml and host/docs-ui/ (embedded_docs.cpp.in).
std::string_view embedded_openapi_yaml();
std::string_view embedded_docs_page();
std::string_view embedded_docs_script();

// The OpenAPI document as served: the YAML as JSON, info.version the server's.
nlohmann::json openapi_document();

// A file GET /docs/{asset} serves. Only these names are served: the path segment is looked up
// here and never reaches the file system.
struct DocsAsset {
  std::string_view name;
  std::string_view content_type;
  bool from_package;  // a file of npm swagger-ui-dist in paths.docs_ui_dir; else compiled in
};
std::optional<DocsAsset> find_docs_asset(std::string_view name);

}  // namespace switchboard
