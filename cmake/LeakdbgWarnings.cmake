# Warnings as errors for our own targets (not for third-party headers, which come in as
# SYSTEM includes through their imported targets). -Wnull-dereference is left out: GCC 12
# reports it inside inlined libstdc++ code pulled in by CLI11, where no null exists.
# -Wrestrict is off for GCC before 13: at -O3 (a Release build) it reports overlapping
# memcpy inside inlined std::string concatenation that cannot overlap (GCC bug 105329).
function(leakdbg_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
    -Wformat=2 -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
