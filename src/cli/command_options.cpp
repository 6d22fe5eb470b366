#include "cli/command_options.h"

#include <CLI/CLI.hpp>

namespace leakdbg::cli {

Option* Option::required() {
  option_->required();
  return this;
}

Option* Option::capture_default_str() {
  option_->capture_default_str();
  return this;
}

Option* Option::excludes(Option* other) {
  option_->excludes(other->option_);
  return this;
}

Option* Option::expected(int min, int max) {
  option_->expected(min, max);
  return this;
}

Option* Option::take_all() {
  option_->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return this;
}

Option* Option::trigger_on_parse() {
  option_->trigger_on_parse();
  return this;
}

Option* Option::one_of(std::vector<std::string> choices) {
  option_->check(CLI::IsMember(std::move(choices)));
  return this;
}

Option* Option::check(std::function<std::string(const std::string&)> problem,
                      std::string value_name) {
  option_->check(
      CLI::Validator([problem = std::move(problem)](std::string& text) { return problem(text); },
                     std::move(value_name)));
  return this;
}

Option* CommandOptions::keep(CLI::Option* option) { return &options_.emplace_back(option); }

Option* CommandOptions::add_option(const std::string& name, std::string& value,
                                   const std::string& help) {
  return keep(app_.add_option(name, value, help));
}

Option* CommandOptions::add_option(const std::string& name, std::vector<std::string>& values,
                                   const std::string& help) {
  return keep(app_.add_option(name, values, help));
}

Option* CommandOptions::add_option(const std::string& name,
                                   std::pair<std::string, std::string>& values,
                                   const std::string& help) {
  return keep(app_.add_option(name, values, help));
}

Option* CommandOptions::add_option(const std::string& name, size_t& value,
                                   const std::string& help) {
  return keep(app_.add_option(name, value, help));
}

Option* CommandOptions::add_option_function(const std::string& name,
                                            std::function<void(const std::string&)> on_value,
                                            const std::string& help) {
  return keep(app_.add_option_function<std::string>(name, std::move(on_value), help));
}

Option* CommandOptions::add_flag(const std::string& name, bool& value, const std::string& help) {
  return keep(app_.add_flag(name, value, help));
}

}  // namespace leakdbg::cli
