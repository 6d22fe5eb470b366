// A configuration parser plugin with the leak of the reference note: every value parsed is
// copied into a store that nothing ever trims, so the store grows for as long as the host
// keeps feeding it configuration lines.
#include <cstring>
#include <string>
#include <vector>

namespace {

class ConfigStore {
 public:
  __attribute__((noinline)) void parse_line(const char* line) {
    const char* equals = std::strchr(line, '=');
    if (!equals) return;
    std::string key(line, static_cast<size_t>(equals - line));
    if (key.empty()) return;
    values_.push_back(std::string(equals + 1));  // LEAK-SITE
  }
  size_t size() const { return values_.size(); }

 private:
  std::vector<std::string> values_;
};

ConfigStore store;

}  // namespace

extern "C" __attribute__((visibility("default"))) void config_parse(const char* line) {
  store.parse_line(line);
}

extern "C" __attribute__((visibility("default"))) size_t config_values() { return store.size(); }
