#pragma once
// MCP over stdio: newline-delimited JSON-RPC messages in on one descriptor, replies out on
// another (nothing else is ever written there). Requests run on the App's worker pool, so a
// long tool call never delays a ping; replies may come back in any order, as JSON-RPC allows.

namespace switchboard {
class App;
}

namespace switchboard::mcp {

// Serves until `in_fd` ends (or `out_fd` is closed by the client), then waits for requests
// still running. Returns the process exit status.
int serve_stdio(App& app, int in_fd, int out_fd);

}  // namespace switchboard::mcp
