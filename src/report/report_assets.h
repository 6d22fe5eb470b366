// The page's template, style sheet and script, compiled in from src/report/assets/ by
// embed_assets.cmake (each NUL-terminated, UTF-8 bytes).
#pragma once

namespace leakdbg::report::assets {

extern const unsigned char kPageHtml[];
extern const unsigned char kReportCss[];
extern const unsigned char kReportJs[];

}  // namespace leakdbg::report::assets
