#include <switchboard/router.hpp>

namespace switchboard {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(std::string method, std::string_view pattern, RouteHandler handler, RouteThread thread) {
  Route route{std::move(method), std::string(pattern), {}, std::move(handler), thread, {}};
  for (auto segment : split_path(pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

void Router::add_async(std::string method, std::string_view pattern, AsyncRouteHandler handler,
                       RouteHandler in_process) {
  add(std::move(method), pattern, std::move(in_process), RouteThread::async);
  routes_.back().async_handler = std::move(handler);
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  const auto segments = split_path(path);
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    PathParams params;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      const std::string& expected = route.segments[i];
      if (is_parameter(expected))
        params.emplace(expected.substr(1, expected.size() - 2), segments[i]);
      else
        same = expected == segments[i];
    }
    if (!same) continue;
    if (route.method == method) {
      if (route.thread == RouteThread::async) result.async_handler = &route.async_handler;
      if (route.handler) result.handler = &route.handler;
      result.pattern = route.pattern;
      result.thread = route.thread;
      result.params = std::move(params);
      return result;
    }
    if (result.allowed_methods.find(route.method) == std::string::npos) {
      result.allowed_methods += (result.allowed_methods.empty() ? "" : ", ") + route.method;
    }
  }
  return result;
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& route : routes_) out.push_back({route.method, route.pattern});
  return out;
}

}  // namespace switchboard
