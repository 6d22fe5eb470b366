#include "report/html_page.h"

#include "report/report_assets.h"

namespace leakdbg::report {

namespace {

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// JSON inside a <script> element: '<', '>' and '&' only occur inside strings there, where
// their \u escapes mean the same, and without them no "</script>" or "<!--" can end or
// confuse the element.
std::string script_safe_json(const nlohmann::json& data) {
  std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out.push_back(c);
  }
  return out;
}

void replace_once(std::string& text, const std::string& marker, const std::string& value) {
  size_t at = text.find(marker);
  if (at != std::string::npos) text.replace(at, marker.size(), value);
}

std::string asset(const unsigned char* bytes) { return reinterpret_cast<const char*>(bytes); }

}  // namespace

std::string render_page(const std::string& title, const nlohmann::json& data) {
  std::string page = asset(assets::kPageHtml);
  // The data goes in last, so markers inside it are never replaced.
  replace_once(page, "{{TITLE}}", escape_html(title));
  replace_once(page, "{{STYLE}}", asset(assets::kReportCss));
  replace_once(page, "{{SCRIPT}}", asset(assets::kReportJs));
  replace_once(page, "{{DATA}}", script_safe_json(data));
  return page;
}

}  // namespace leakdbg::report
