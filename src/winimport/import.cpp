// Entry points: content detection and the dispatch of each section to its parser.
#include "winimport/import.h"

#include <set>

#include "util/error.h"
#include "util/text_split.h"
#include "winimport/model_builder.h"
#include "winimport/parsers.h"
#include "winimport/sections.h"
#include "winimport/text_decode.h"

namespace leakdbg::winimport {
namespace {

// Lines that only these outputs print. Checked over the first lines only: a saved session
// shows its first heap command early.
bool is_telltale(std::string_view line) {
  std::string_view t = trim(line);
  if (auto command = prompt_command(t)) return kind_of_command(*command) != TextKind::kOther;
  auto words = split_words(t);
  if (words.size() >= 3 && words[0] == "Heap" && words[1] == "Flags" && words[2] == "Reserv")
    return true;
  if (t.starts_with("group-by:") || t.starts_with("_HEAP @ ") || t.starts_with("HEAP_ENTRY") ||
      t.starts_with("_DPH_HEAP_ROOT @ ") || t.starts_with("in busy allocation ("))
    return true;
  if (t.starts_with("*- - - - ") && contains_nocase(t, "heap")) return true;
  return is_umdh_diff_record(t) || is_umdh_log_record(t);
}

std::string model_kind(const std::set<TextKind>& kinds) {
  if (kinds.size() > 1) return "windbg-session";
  switch (*kinds.begin()) {
    case TextKind::kHeapSummary:
      return "windbg-heap-s";
    case TextKind::kHeapStat:
      return "windbg-heap-stat";
    case TextKind::kHeapBlocks:
      return "windbg-heap-blocks";
    case TextKind::kUmdhLog:
      return "umdh";
    case TextKind::kUmdhDiff:
      return "umdh-diff";
    case TextKind::kOther:
      break;
  }
  return "windbg";
}

}  // namespace

bool looks_like_windows_text(std::string_view raw) {
  constexpr size_t kLinesChecked = 4000;
  std::string decoded = decode_text(raw);
  auto lines = split_lines(decoded);
  for (size_t i = 0; i < lines.size() && i < kLinesChecked; ++i)
    if (is_telltale(lines[i].text)) return true;
  return false;
}

std::vector<HeapModel> import_text(std::string_view raw, const std::string& name) {
  std::string text = decode_text(raw);
  auto lines = split_lines(text);
  auto sections = split_sections(lines);
  SourceNotes notes;

  for (const auto& section : sections) {
    if (section.kind == TextKind::kUmdhLog) {
      TextSource source(name, text_kind_name(section.kind), &notes);
      ModelBuilder model(source);
      parse_umdh_log(section.lines, source, model);
      std::vector<HeapModel> models;
      models.push_back(model.finish("umdh"));
      models[0].notes = notes;
      return models;
    }
    if (section.kind == TextKind::kUmdhDiff) {
      TextSource source(name, text_kind_name(section.kind), &notes);
      ModelBuilder old_model(source), new_model(source);
      parse_umdh_diff(section.lines, source, old_model, new_model);
      std::vector<HeapModel> models;
      models.push_back(old_model.finish("umdh-diff"));
      models.push_back(new_model.finish("umdh-diff"));
      models[0].label = "old";
      models[0].sequence = 1;
      models[1].label = "new";
      models[1].sequence = 2;
      for (HeapModel& model : models) model.notes = notes;
      return models;
    }
  }

  // One state: every command's output read into the same model (a session log that shows
  // `!heap -s`, `-stat` and `-p -a` of one dump describes one heap state).
  TextSource session(name, "WinDbg log");
  ModelBuilder model(session);
  std::set<TextKind> kinds;
  for (const auto& section : sections) {
    if (section.kind == TextKind::kOther) continue;
    TextSource source(name, text_kind_name(section.kind), &notes);
    switch (section.kind) {
      case TextKind::kHeapSummary:
        parse_heap_summary(section.lines, source, model);
        break;
      case TextKind::kHeapStat:
        parse_heap_stat(section.lines, source, model);
        break;
      case TextKind::kHeapBlocks:
        parse_heap_blocks(section.lines, source, model);
        break;
      case TextKind::kUmdhLog:
        parse_umdh_log(section.lines, source, model);
        break;
      case TextKind::kUmdhDiff:
      case TextKind::kOther:
        break;
    }
    kinds.insert(section.kind);
  }
  if (kinds.empty()) throw Error(name + ": no WinDbg !heap or UMDH output found in the text");
  std::vector<HeapModel> models;
  models.push_back(model.finish(model_kind(kinds)));
  models[0].notes = notes;
  return models;
}

}  // namespace leakdbg::winimport
