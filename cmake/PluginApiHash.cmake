# The ABI tag of plugin-api carries a SHA-256 over its public headers, so a plugin built
# against other headers is refused even when somebody forgot to bump the version.
# The hash covers each header's path (relative to the include folder) and content, in a
# fixed order; a header edit re-runs configure (CMAKE_CONFIGURE_DEPENDS).
function(switchboard_plugin_api_sha256 include_dir out_var)
  file(GLOB_RECURSE headers RELATIVE ${include_dir} CONFIGURE_DEPENDS ${include_dir}/*.hpp)
  list(SORT headers)
  set(manifest "")
  foreach(header IN LISTS headers)
    file(SHA256 ${include_dir}/${header} digest)
    string(APPEND manifest "${header} ${digest}\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${include_dir}/${header})
  endforeach()
  string(SHA256 combined "${manifest}")
  set(${out_var} ${combined} PARENT_SCOPE)
endfunction()
