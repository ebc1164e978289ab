# switchboard_add_plugin(<target> KIND <folder> NAME <file-name> SOURCES ...)
#
# Builds one plugin as a MODULE library at build/plugins/<folder>/<file-name>.so with the
# flags the plugin contract needs:
#  - hidden visibility and a version script: only the two entry-point aliases are exported;
#  - -fno-gnu-unique: otherwise g++ emits STB_GNU_UNIQUE symbols, glibc marks the library
#    NODELETE and dlclose() never unloads it, so a reload would silently keep the old code.
function(switchboard_add_plugin target)
  cmake_parse_arguments(PLUGIN "" "KIND;NAME;OUTPUT_DIR" "SOURCES" ${ARGN})
  if(NOT PLUGIN_OUTPUT_DIR)
    set(PLUGIN_OUTPUT_DIR ${SWITCHBOARD_PLUGIN_OUTPUT_DIR}/${PLUGIN_KIND})
    # A plugin the server ships (test plugins name a folder of their own): part of `serve`.
    set_property(GLOBAL APPEND PROPERTY SWITCHBOARD_SHIPPED_PLUGINS ${target})
  endif()
  add_library(${target} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${target} PRIVATE switchboard::plugin-api)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${PLUGIN_NAME}
    LIBRARY_OUTPUT_DIRECTORY ${PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_options(${target} PRIVATE -fno-gnu-unique)
  target_link_options(${target} PRIVATE
    -Wl,--version-script=${SWITCHBOARD_SOURCE_DIR}/plugin-api/exports.map
    -Wl,--no-undefined)
  switchboard_warnings(${target})
endfunction()
