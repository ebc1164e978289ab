#include <switchboard/owner.hpp>

#include <switchboard/request_context.hpp>

namespace switchboard {
namespace {

// `text` with `:` and `%` written as %3A and %25: a part of an owner that is not its last.
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ':') {
      out += "%3A";
    } else if (c == '%') {
      out += "%25";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string owner_of(const RequestContext& context) {
  if (context.owner) return *context.owner;
  if (!context.principal) return {};
  const plugin::Principal& principal = *context.principal;
  if (principal.kind == "api_key") return principal.team.empty() ? "key:" + principal.id : "team:" + principal.team;
  if (principal.kind == "jwt") return "jwt:" + escaped(principal.name) + ":" + principal.id;
  // A principal of another authenticating middleware: its kind and id.
  return "principal:" + escaped(principal.kind) + ":" + principal.id;
}

}  // namespace switchboard
