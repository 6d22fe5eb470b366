// The options of one command, declared through a small interface of its own: CLI11 (2.1 in
// Debian 12) is header-only with no compiled mode, and every file that declared options with
// it compiled its templates again (10 to 20 s of CPU per command file at -O2 -g). Only
// command_options.cpp and app.cpp include CLI11; the calls read as CLI11's own.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace leakdbg::cli {

// One declared option or positional argument; the setters return it again so that they chain.
class Option {
 public:
  explicit Option(CLI::Option* option) : option_(option) {}

  Option* required();
  // --help shows the value the option holds before parsing as its default.
  Option* capture_default_str();
  Option* excludes(Option* other);
  // A positional taking from `min` to `max` values.
  Option* expected(int min, int max);
  // Given more than once, every value is kept (for the callbacks of add_option_function).
  Option* take_all();
  Option* trigger_on_parse();
  // The value must be one of `choices` (--help lists them).
  Option* one_of(std::vector<std::string> choices);
  // `problem` returns "" for a good value, else why not; CLI11 puts the option's name in front.
  // `value_name` stands for the value in --help ("N").
  Option* check(std::function<std::string(const std::string&)> problem, std::string value_name);

 private:
  CLI::Option* option_;
};

class CommandOptions {
 public:
  explicit CommandOptions(CLI::App& app) : app_(app) {}
  CommandOptions(const CommandOptions&) = delete;
  CommandOptions& operator=(const CommandOptions&) = delete;

  // `name`: "--long", "-s,--long" or, without dashes, a positional argument.
  Option* add_option(const std::string& name, std::string& value, const std::string& help);
  Option* add_option(const std::string& name, std::vector<std::string>& values,
                     const std::string& help);
  Option* add_option(const std::string& name, std::pair<std::string, std::string>& values,
                     const std::string& help);
  Option* add_option(const std::string& name, size_t& value, const std::string& help);
  // `on_value` runs with each value as it is parsed.
  Option* add_option_function(const std::string& name,
                              std::function<void(const std::string&)> on_value,
                              const std::string& help);
  Option* add_flag(const std::string& name, bool& value, const std::string& help);

 private:
  Option* keep(CLI::Option* option);

  CLI::App& app_;
  std::deque<Option> options_;  // stable addresses for the returned pointers
};

}  // namespace leakdbg::cli
