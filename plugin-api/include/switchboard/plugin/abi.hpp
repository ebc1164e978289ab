#pragma once
/// @file
/// The ABI tag: what a plugin and the host must share beyond the API version to exchange
/// C++ objects safely (compiler, standard library, its dual-ABI setting, and the exact
/// plugin-api headers, by SHA-256).

#include <switchboard/plugin/api_sha256.hpp>  // generated at configure time

/// @cond INTERNAL
#define SWITCHBOARD_ABI_STR_(x) #x
#define SWITCHBOARD_ABI_STR(x) SWITCHBOARD_ABI_STR_(x)
/// @endcond

namespace switchboard::plugin {

/// The ABI tag this translation unit was compiled with; host and plugin must agree exactly.
inline constexpr char kAbiTag[] =
#if defined(__clang__)
    "clang " __clang_version__
#elif defined(__GNUC__)
    "gcc " __VERSION__
#else
    "unknown-compiler"
#endif
#if defined(__GLIBCXX__)
    "; libstdc++ " SWITCHBOARD_ABI_STR(__GLIBCXX__) "; cxx11-abi " SWITCHBOARD_ABI_STR(_GLIBCXX_USE_CXX11_ABI)
#endif
        "; plugin-api-sha256 " SWITCHBOARD_PLUGIN_API_SHA256;

}  // namespace switchboard::plugin
