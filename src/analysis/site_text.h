// How a labelled site reads in text and JSON, the same in analyze, diff and stat.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/site_label.h"
#include "model/heap_model.h"

namespace leakdbg::analysis {

// The file name of a source path, Unix or Windows ("e:\\src\\cache.cpp" -> "cache.cpp").
std::string source_file_name(const std::string& path);

// "read_defaults(...)  config_parser.cpp:57", then "  (from caller  file:line)" or
// "  (via std::string::_M_create)" when another site shares the frame. "(no stack)" for an
// empty stack.
std::string site_text(const std::vector<SymbolicFrame>& frames, const SiteLabel& label);

// The site frame as a frame object (the shape of every JSON frame), null without one.
nlohmann::json site_json(const std::vector<SymbolicFrame>& frames, const SiteLabel& label);

// Sets "site" and, where a collision needed them, "site_from" / "site_via" / "site_wrapper"
// frame objects on `object`.
void add_site_fields(nlohmann::json& object, const std::vector<SymbolicFrame>& frames,
                     const SiteLabel& label);

}  // namespace leakdbg::analysis
