// The interface between the demo host and its dlopen'ed configuration plugin.
#pragma once

#include <cstddef>
#include <string_view>

namespace demo {

class ConfigPlugin {
 public:
  virtual ~ConfigPlugin() = default;
  // Parses one configuration text; returns false if a line was malformed.
  virtual bool parse(std::string_view text) = 0;
  virtual size_t settings() const = 0;
};

}  // namespace demo

// The plugin's one exported entry point. The plugin owns the object for the life of the
// process (hosts never delete it, as with many real plugin interfaces).
extern "C" demo::ConfigPlugin* demo_create_config_plugin();
inline constexpr const char* kDemoCreateSymbol = "demo_create_config_plugin";
