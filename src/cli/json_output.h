// How every command prints its --json document: program arguments, paths and labels come
// from outside and need not be valid UTF-8; such bytes become U+FFFD instead of failing
// the whole output.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

namespace leakdbg::cli {

inline void print_json(std::ostream& out, const nlohmann::json& document) {
  out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace leakdbg::cli
