#pragma once
// A small method+path router. Patterns are literal segments and "{name}" parameters.
// A path that matches some route with another method is a 405 (with Allow), not a 404.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <switchboard/http_types.hpp>

namespace switchboard {

struct RequestContext;

using PathParams = std::map<std::string, std::string, std::less<>>;
using RouteHandler = std::function<HttpResponse(const RequestContext&, const PathParams&)>;

class Reply;

// A handler that answers later, from any thread, through its Reply (the gateway: it starts
// upstream work and returns at once).
using AsyncRouteHandler = std::function<void(const RequestContext&, const PathParams&, std::shared_ptr<Reply>)>;

// Where a route's handler runs: on the reactor thread (quick, never waits), on the worker
// pool (anything that may wait: framework tasks, loading a plugin), or on the reactor but
// answering later (asynchronous).
enum class RouteThread { reactor, worker, async };

class Router {
 public:
  void add(std::string method, std::string_view pattern, RouteHandler handler,
           RouteThread thread = RouteThread::reactor);
  // `in_process`: the same route answered whole, for callers inside the server (the MCP
  // tools); without it they find no handler for the route.
  void add_async(std::string method, std::string_view pattern, AsyncRouteHandler handler,
                 RouteHandler in_process = nullptr);

  struct Match {
    const RouteHandler* handler = nullptr;  // null: no route (or an asynchronous one with no in-process form)
    const AsyncRouteHandler* async_handler = nullptr;
    std::string_view pattern;  // the matched route's pattern, for metrics
    RouteThread thread = RouteThread::reactor;
    PathParams params;
    std::string allowed_methods;  // non-empty with a null handler: 405
  };
  Match match(std::string_view method, std::string_view path) const;

  struct RouteInfo {
    std::string method;
    std::string pattern;
  };
  std::vector<RouteInfo> routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
    RouteThread thread;
    AsyncRouteHandler async_handler;
  };
  std::vector<Route> routes_;
};

}  // namespace switchboard
