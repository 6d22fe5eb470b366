# leakdbg_add_fuzzer(NAME SOURCE file LIBS libs... CORPUS dir)
# With LEAKDBG_FUZZ (clang) it builds a libFuzzer binary. Always it builds NAME_replay,
# which runs the target once on every file of the corpus directory, and registers that as a
# test: the corpus (seeds plus every crash ever found) keeps running in the normal suite.
function(leakdbg_add_fuzzer name)
  cmake_parse_arguments(F "" "SOURCE;CORPUS" "LIBS" ${ARGN})
  add_executable(${name}_replay ${F_SOURCE} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
  target_link_libraries(${name}_replay PRIVATE ${F_LIBS})
  target_include_directories(${name}_replay PRIVATE ${PROJECT_SOURCE_DIR}/src)
  leakdbg_warnings(${name}_replay)
  add_test(NAME fuzz_replay.${name} COMMAND ${name}_replay ${F_CORPUS})
  if(LEAKDBG_FUZZ)
    add_executable(${name}_fuzzer ${F_SOURCE})
    target_compile_options(${name}_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name}_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name}_fuzzer PRIVATE ${F_LIBS})
    target_include_directories(${name}_fuzzer PRIVATE ${PROJECT_SOURCE_DIR}/src)
  endif()
endfunction()
