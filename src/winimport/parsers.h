// One parser per family of saved output. Each reads the lines of one section and adds what
// it finds to a ModelBuilder; each throws leakdbg::Error naming the line on malformed text.
#pragma once

#include <utility>
#include <vector>

#include "winimport/model_builder.h"
#include "winimport/text_lines.h"

namespace leakdbg::winimport {

void parse_heap_summary(const std::vector<Line>& lines, const TextSource& source,
                        ModelBuilder& model);
void parse_heap_stat(const std::vector<Line>& lines, const TextSource& source, ModelBuilder& model);
void parse_heap_blocks(const std::vector<Line>& lines, const TextSource& source,
                       ModelBuilder& model);
void parse_umdh_log(const std::vector<Line>& lines, const TextSource& source, ModelBuilder& model);
// A diff describes two states: the old log's and the new log's.
void parse_umdh_diff(const std::vector<Line>& lines, const TextSource& source,
                     ModelBuilder& old_model, ModelBuilder& new_model);

}  // namespace leakdbg::winimport
