# Warnings as errors for our own targets (not for third-party headers, which come in as
# SYSTEM includes through their imported targets).
function(leakdbg_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
    -Wformat=2 -Werror)
endfunction()
