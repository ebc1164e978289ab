#pragma once
// Reaching a private member of a library class without patching the library: an explicit
// instantiation may name a private member ([temp.spec.general]: access is not checked
// there), and the friend function it defines hands the member pointer out. Used only for
// Debian's Pistache 0.0.5, whose headers the build compiles against, so a Pistache whose
// members differ fails to compile rather than misbehave.
//
//   struct PistacheMessageBody { friend auto private_member(PistacheMessageBody); };
//   template struct ExposePrivate<PistacheMessageBody, &Message::body_>;
//   std::string& body = message.*private_member(PistacheMessageBody{});
//
// The tag and the instantiation live in namespace switchboard itself, not an unnamed one: the
// friend the tag declares must be the one ExposePrivate defines, and an explicit
// instantiation belongs to the template's own namespace. Tag names are unique per program.

namespace switchboard {

template <typename Tag, auto Pointer>
struct ExposePrivate {
  friend auto private_member(Tag) { return Pointer; }
};

}  // namespace switchboard
