# Warnings as errors for our own targets (not for third-party headers, which come in as
# SYSTEM includes through their imported targets). -Wnull-dereference is left out: GCC 12
# reports it inside inlined libstdc++ code pulled in by CLI11, where no null exists.
function(leakdbg_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
    -Wformat=2 -Werror)
endfunction()
