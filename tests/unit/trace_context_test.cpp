// W3C trace context: which traceparent headers are accepted, what is started otherwise, and
// what goes upstream.
#include <gtest/gtest.h>

#include <switchboard/trace_context.hpp>

namespace switchboard {
namespace {

const std::string kParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceContext, AcceptsAWellFormedTraceparentAndStartsASpanOfItsOwn) {
  const auto trace = accept_or_start_trace(kParent, std::string("congo=t61rcWkgMzE"));
  EXPECT_EQ(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace.parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(trace.flags, "01");
  EXPECT_EQ(trace.span_id.size(), 16u);
  EXPECT_NE(trace.span_id, trace.parent_id);
  EXPECT_EQ(trace.traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-" + trace.span_id + "-01");
  const auto headers = trace.upstream_headers();
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].first, "traceparent");
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"tracestate", "congo=t61rcWkgMzE"}));
}

TEST(TraceContext, StartsANewTraceForAMissingOrMalformedHeader) {
  const std::string bad[] = {
      "",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",       // no flags
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // all-zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // all-zero parent
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // 00 has nothing after
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",   // later version, no '-'
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
  };
  for (const auto& header : bad) {
    const auto trace = accept_or_start_trace(header, std::string("congo=t61rcWkgMzE"));
    EXPECT_NE(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736") << header;
    EXPECT_EQ(trace.trace_id.size(), 32u) << header;
    EXPECT_TRUE(trace.parent_id.empty()) << header;
    EXPECT_TRUE(trace.tracestate.empty()) << header;  // state without a parent is dropped
  }
  EXPECT_NE(accept_or_start_trace(std::nullopt, std::nullopt).trace_id,
            accept_or_start_trace(std::nullopt, std::nullopt).trace_id);
}

TEST(TraceContext, AcceptsLaterVersionsWithMoreFields) {
  const auto trace =
      accept_or_start_trace(std::string("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-extra"), std::nullopt);
  EXPECT_EQ(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace.flags, "01");  // only the sampled bit is passed on
  EXPECT_EQ(trace.traceparent().substr(0, 3), "00-");
}

TEST(TraceContext, DropsAnOversizedOrUnprintableTracestate) {
  EXPECT_TRUE(accept_or_start_trace(kParent, std::string(513, 'a')).tracestate.empty());
  EXPECT_TRUE(accept_or_start_trace(kParent, std::string("a=1\r\nX-Injected: 1")).tracestate.empty());
  EXPECT_EQ(accept_or_start_trace(kParent, std::string(512, 'a')).tracestate.size(), 512u);
}

TEST(TraceContext, AnUnstartedContextSendsNothingUpstream) { EXPECT_TRUE(TraceContext{}.upstream_headers().empty()); }

}  // namespace
}  // namespace switchboard
