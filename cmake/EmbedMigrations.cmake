# Writes OUTPUT, a C++ file holding every migrations/<dialect>/NNNN_name.{up,down}.sql, so the
# binary migrates wherever it runs. Re-runs when a migration is added or edited.
function(switchboard_embed_migrations source_dir output)
  file(GLOB files CONFIGURE_DEPENDS ${source_dir}/sqlite/*.sql ${source_dir}/postgres/*.sql)
  list(SORT files)
  set(entries "")
  foreach(file ${files})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    get_filename_component(dialect_dir ${file} DIRECTORY)
    get_filename_component(dialect ${dialect_dir} NAME)
    get_filename_component(name ${file} NAME)
    if(NOT name MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.(up|down)\\.sql$")
      message(FATAL_ERROR "migration file name must be NNNN_name.up.sql or NNNN_name.down.sql: ${file}")
    endif()
    set(version ${CMAKE_MATCH_1})
    set(step_name ${CMAKE_MATCH_2})
    set(direction ${CMAKE_MATCH_3})
    math(EXPR version "${version}")
    file(READ ${file} sql)
    string(APPEND entries "  {\"${dialect}\", ${version}, \"${step_name}\", \"${direction}\", R\"sbmigration(${sql})sbmigration\"},\n")
  endforeach()
  file(WRITE ${output}.new "// Generated from migrations/ by cmake/EmbedMigrations.cmake. Do not edit.\n"
    "#include \"storage/embedded_migrations.hpp\"\n\n"
    "namespace switchboard::storage {\n"
    "const std::vector<EmbeddedMigrationFile>& embedded_migration_files() {\n"
    "  static const std::vector<EmbeddedMigrationFile> files = {\n${entries}  };\n"
    "  return files;\n}\n}  // namespace switchboard::storage\n")
  file(COPY_FILE ${output}.new ${output} ONLY_IF_DIFFERENT)
endfunction()
