// The report as one self-contained HTML file: the page template with its style sheet and
// script (src/report/assets/, compiled in) and the data inline. Nothing is fetched when the
// page is viewed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace leakdbg::report {

// `title` is plain text (escaped here); `data` is report_data's document.
std::string render_page(const std::string& title, const nlohmann::json& data);

}  // namespace leakdbg::report
