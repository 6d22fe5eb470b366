// The command line of the test programs: "--name value" pairs after the program name.
#pragma once

#include <cstdlib>
#include <cstring>

namespace program_options {

// The value after `name` (given with its dashes, "--seconds"), or nullptr when absent.
inline const char* option(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return nullptr;
}

// "--seconds S": how long the program runs; `fallback` when not given.
inline double seconds(int argc, char** argv, double fallback) {
  const char* text = option(argc, argv, "--seconds");
  return text ? std::atof(text) : fallback;
}

}  // namespace program_options
