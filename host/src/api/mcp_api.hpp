#pragma once
// The MCP server's HTTP route (POST and DELETE /mcp), kept apart from routes.hpp so that
// only the App's route table sees it.

namespace switchboard {

class App;
class Router;

void add_mcp_routes(Router& router, App& app);

}  // namespace switchboard
