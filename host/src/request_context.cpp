#include <switchboard/request_context.hpp>

namespace switchboard {
namespace {
thread_local const RequestContext* current = nullptr;
}

const RequestContext* current_request() { return current; }

CurrentRequestScope::CurrentRequestScope(const RequestContext& context) : previous_(current) { current = &context; }
CurrentRequestScope::~CurrentRequestScope() { current = previous_; }

}  // namespace switchboard
