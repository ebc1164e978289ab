#pragma once
// The tools Switchboard offers over MCP: name, title, description, inputSchema and
// outputSchema (JSON Schema), as tools/list answers them.

#include <nlohmann/json.hpp>

namespace switchboard::mcp {

// The definitions, in a fixed order; each tool's structuredContent fits its outputSchema
// (the official SDK checks that).
const nlohmann::json& tool_definitions();

}  // namespace switchboard::mcp
