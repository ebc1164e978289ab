#pragma once
// What the content APIs (stories, chat, and later context) share: the three framework styles
// of seed 000, money as dollars, query-parameter checks, and the totals of a request's LLM
// calls.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <switchboard/http_types.hpp>

namespace switchboard {

struct RequestContext;

// A framework style: the path segment of its routes, its plugin, and its name in answers.
struct FrameworkStyle {
  const char* path;    // semantic-kernel, langchain, langgraph
  const char* plugin;  // kernel, chain, graph
  const char* method;  // semantic_kernel, langchain, langgraph
};
inline constexpr FrameworkStyle kFrameworkStyles[] = {{"semantic-kernel", "kernel", "semantic_kernel"},
                                                      {"langchain", "chain", "langchain"},
                                                      {"langgraph", "graph", "langgraph"}};

// Nano-dollars as dollars.
inline double usd(std::int64_t nanousd) { return static_cast<double>(nanousd) / 1e9; }

// 503 STORAGE_UNAVAILABLE.
HttpResponse no_store(const RequestContext& context);

// A whole-number query parameter in [min, max]; `fallback` when absent; when bad, a
// {field, message} is pushed onto `details` and `fallback` returned.
int int_param(const RequestContext& context, const char* name, int fallback, int min, int max, nlohmann::json& details);

// The LLM calls the request made so far, summed; provider and model of the last.
struct CallTotals {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cost_nanousd = 0;
  std::string provider;
  std::string model;
};
CallTotals call_totals(const RequestContext& context);

}  // namespace switchboard
