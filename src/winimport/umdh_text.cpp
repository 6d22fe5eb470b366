// UMDH output. A single log lists records per heap, each followed by its stack the first
// time its BackTrace id appears:
//   00005320 bytes in 0x14 allocations (@ 0x00000428 + 0x00000010) by: BackTrace00B53
//   000001A0 bytes + 00000020 at 0016A8E8 by BackTrace00001
// A diff lists, per BackTrace, byte and count changes between two logs, then the stack:
//   + 2a98c90 ( 2a98c90 -     0)  15cf4 allocs	BackTrace74050
//   +   15cf4 ( 15cf4 -     0)	BackTrace74050	allocations
// Older UMDH versions print no count line: the old log's counts are then unknown, and the
// old state keeps one block per BackTrace holding its bytes (the notes say so); nothing is
// estimated. Around the records UMDH prints its header ("// Debug library initialized",
// "DBGHELP: module - private symbols & lines" with the .pdb path indented below), totals
// ("Total increase == ..."), and authors keep the command line they typed
// ("C:\> umdh -d log1.txt log2.txt"): with -d every number is decimal.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "winimport/frame_text.h"
#include "winimport/parsers.h"
#include "winimport/sections.h"

namespace leakdbg::winimport {
namespace {

bool is_umdh_chatter(std::string_view t) {
  return t.empty() || t.starts_with("//") || t.starts_with("DBGHELP:") || t.starts_with("Total ") ||
         t.starts_with("REQUESTED bytes") || t.starts_with("STACK if not already dumped") ||
         t.starts_with("Debug library") || t.starts_with("Warning:") || t.starts_with("UMDH:") ||
         t.starts_with("SYMSRV:") || t.ends_with(".pdb") || t.ends_with(".PDB") ||
         is_umdh_command_line(t);
}

// UMDH prints hex unless run with -d. The command line, when the author kept it, says so;
// otherwise digits a-f mean hex, and a text whose records only add up in decimal is decimal.
int umdh_radix(const std::vector<Line>& lines) {
  for (const auto& line : lines) {
    std::string_view t = trim(line.text);
    if (!is_umdh_command_line(t)) continue;
    for (auto word : split_words(t))
      if (word == "-d" || word == "/d") return 10;
    return 16;
  }
  return 0;  // undecided: the caller looks at the records
}

// "BackTrace00B53" -> "00B53"; nullopt if the word is not a BackTrace id.
std::optional<std::string_view> backtrace_id(std::string_view word) {
  if (!word.starts_with("BackTrace") || !parse_hex(word.substr(9))) return std::nullopt;
  return word.substr(9);
}

// Frames that follow a record, and the stack id they get once complete.
class StackCollector {
 public:
  explicit StackCollector(ModelBuilder& model) : model_(model) {}
  void add(const SymbolicFrame& frame) { frames_.push_back(frame); }
  // A BackTrace printed once keeps its stack for later records naming it again.
  uint32_t finish(std::string_view id) {
    uint32_t stack_id = 0;
    if (!frames_.empty()) {
      stack_id = model_.stack(frames_);
      known_[std::string(id)] = frames_;
    } else if (auto it = known_.find(std::string(id)); it != known_.end()) {
      stack_id = model_.stack(it->second);
    }
    frames_.clear();
    return stack_id;
  }
  const std::vector<SymbolicFrame>& frames() const { return frames_; }

 private:
  ModelBuilder& model_;
  std::vector<SymbolicFrame> frames_;
  std::map<std::string, std::vector<SymbolicFrame>> known_;
};

}  // namespace

void parse_umdh_log(const std::vector<Line>& lines, const TextSource& source, ModelBuilder& model) {
  struct Pending {
    Line line;
    std::string id;
    uint64_t count = 0, bytes = 0, address = 0;
    bool single = false;  // one block with its address
  };
  std::optional<Pending> pending;
  StackCollector stacks(model);
  uint16_t heap = kArenaUnknown;
  bool any_record = false;
  bool in_skipped_record = false;  // frames under a record that was not understood

  auto flush = [&] {
    if (!pending) return;
    uint32_t stack_id = stacks.finish(pending->id);
    if (pending->single) {
      Block block;
      block.address = pending->address;
      block.size = pending->bytes;
      block.stack_id = stack_id;
      block.arena = heap;
      model.add_block(block, pending->line);
    } else {
      model.add_record(pending->count, pending->bytes, stack_id, heap, pending->line);
    }
    pending.reset();
  };

  for (const auto& line : lines) {
    std::string_view t = trim(line.text);
    if (is_umdh_chatter(t)) continue;
    if (t.starts_with("*-")) {
      // "*- - - Start of data for heap @ 00150000 - - -", "*- - - Heap 00150000 Hogs - - -"
      flush();
      auto words = split_words(t);
      for (size_t i = 0; i + 1 < words.size(); ++i) {
        bool names_heap = (words[i] == "@" && i > 0 && words[i - 1] == "heap") ||
                          (words[i] == "Heap" && i + 2 < words.size() && words[i + 2] == "Hogs");
        if (!names_heap) continue;
        auto handle = parse_hex(words[i + 1]);
        if (!handle) source.fail(line, "bad heap handle \"" + std::string(words[i + 1]) + "\"");
        heap = model.heap(*handle, line);
      }
      continue;
    }
    if (is_elision(t)) {
      source.elision();
      continue;
    }
    auto words = split_words(t);
    if (words.size() >= 2 && words[1] == "bytes" && parse_hex(words[0])) {
      flush();
      Pending record;
      record.line = line;
      record.bytes = *parse_hex(words[0]);
      std::optional<std::string_view> id;
      if (words.size() == 8 && words[2] == "+" && words[4] == "at" && words[6] == "by") {
        auto overhead = parse_hex(words[3]);
        auto address = parse_hex(words[5]);
        id = overhead && address ? backtrace_id(words[7]) : std::nullopt;
        record.single = true;
        record.count = 1;
        record.address = address.value_or(0);
      } else if (words.size() >= 8 && words[2] == "in" && words[4] == "allocations" &&
                 words[words.size() - 2] == "by:") {
        auto count = parse_hex(words[3]);
        id = count ? backtrace_id(words.back()) : std::nullopt;
        record.count = count.value_or(0);
      }
      if (!id) {
        source.skip(line);
        in_skipped_record = true;
        continue;
      }
      in_skipped_record = false;
      record.id = std::string(*id);
      pending = std::move(record);
      any_record = true;
      continue;
    }
    if (in_skipped_record) continue;
    if (auto frame = parse_frame(t); frame && pending) {
      stacks.add(*frame);
      continue;
    }
    source.skip(line);
  }
  flush();
  if (!any_record) source.fail_at_end("no allocation records");
}

namespace {

struct DiffLine {
  bool negative = false;
  uint64_t delta = 0, new_value = 0, old_value = 0;
  std::vector<std::string_view> tail;  // words after the closing parenthesis
};

std::optional<uint64_t> parse_number(std::string_view word, int radix) {
  return radix == 10 ? parse_decimal(word) : parse_hex(word);
}

// "+ DELTA ( NEW - OLD) ..." with the parentheses possibly glued to the numbers.
std::optional<DiffLine> parse_diff_line(std::string_view t, std::string& scratch, int radix) {
  scratch.clear();
  for (char c : t) {
    if (c == '(' || c == ')') {
      scratch += ' ';
      scratch += c;
      scratch += ' ';
    } else {
      scratch += c;
    }
  }
  if (scratch.size() > 1 && (scratch[0] == '+' || scratch[0] == '-') && scratch[1] != ' ')
    scratch.insert(1, " ");
  auto words = split_words(scratch);
  if (words.size() < 7 || (words[0] != "+" && words[0] != "-") || words[2] != "(" ||
      words[4] != "-" || words[6] != ")")
    return std::nullopt;
  auto delta = parse_number(words[1], radix);
  auto new_value = parse_number(words[3], radix);
  auto old_value = parse_number(words[5], radix);
  if (!delta || !new_value || !old_value) return std::nullopt;
  DiffLine d{words[0] == "-", *delta, *new_value, *old_value, {}};
  d.tail.assign(words.begin() + 7, words.end());
  return d;
}

bool consistent(const DiffLine& d) {
  if (d.negative) return d.old_value >= d.new_value && d.old_value - d.new_value == d.delta;
  return d.new_value >= d.old_value && d.new_value - d.old_value == d.delta;
}

// Without a kept command line: hex digits decide; a text of digits only is decimal when its
// records add up in decimal and not in hex.
int guess_diff_radix(const std::vector<Line>& lines) {
  std::string scratch;
  bool hex_ok = true, decimal_ok = true, any = false;
  for (const auto& line : lines) {
    std::string_view t = trim(line.text);
    if (t.empty() || (t[0] != '+' && t[0] != '-')) continue;
    size_t close = t.find(')');
    std::string_view numbers = t.substr(0, close);
    for (char c : numbers)
      if (std::isxdigit(static_cast<unsigned char>(c)) &&
          !std::isdigit(static_cast<unsigned char>(c)))
        return 16;
    auto as_hex = parse_diff_line(t, scratch, 16);
    auto as_decimal = parse_diff_line(t, scratch, 10);
    if (!as_hex || !as_decimal) continue;
    any = true;
    hex_ok = hex_ok && consistent(*as_hex);
    decimal_ok = decimal_ok && consistent(*as_decimal);
  }
  return any && decimal_ok && !hex_ok ? 10 : 16;
}

}  // namespace

void parse_umdh_diff(const std::vector<Line>& lines, const TextSource& source,
                     ModelBuilder& old_model, ModelBuilder& new_model) {
  struct Pending {
    Line line;
    std::string id;
    uint64_t old_bytes = 0, new_bytes = 0, new_count = 0;
    std::optional<uint64_t> old_count;
  };
  std::optional<Pending> pending;
  std::vector<SymbolicFrame> frames;
  std::string scratch;
  bool any_record = false;
  bool in_skipped_record = false;  // frames under a record that was not understood
  int radix = umdh_radix(lines);
  if (radix == 0) radix = guess_diff_radix(lines);

  auto flush = [&] {
    if (!pending) return;
    uint64_t old_count = 0;
    if (pending->old_count) {
      old_count = *pending->old_count;
    } else if (pending->old_bytes > 0) {
      old_count = 1;
      if (source.notes()) source.notes()->old_counts_unknown = true;
    }
    old_model.add_record(old_count, pending->old_bytes, old_model.stack(frames), kArenaUnknown,
                         pending->line);
    new_model.add_record(pending->new_count, pending->new_bytes, new_model.stack(frames),
                         kArenaUnknown, pending->line);
    pending.reset();
    frames.clear();
  };

  for (const auto& line : lines) {
    std::string_view t = trim(line.text);
    if (is_umdh_chatter(t)) continue;
    if (is_elision(t)) {
      source.elision();
      continue;
    }
    if (t[0] == '+' || t[0] == '-') {
      auto d = parse_diff_line(t, scratch, radix);
      if (d && d->tail.size() == 2 && d->tail[1] == "allocations") {
        // The count line of the record above it.
        bool matches = pending && consistent(*d) && d->tail[0].starts_with("BackTrace") &&
                       pending->id == d->tail[0].substr(9) && !pending->old_count &&
                       d->new_value == pending->new_count;
        if (matches)
          pending->old_count = d->old_value;
        else
          source.skip(line);
        continue;
      }
      auto count = d && d->tail.size() == 3 && d->tail[1] == "allocs"
                       ? parse_number(d->tail[0], radix)
                       : std::nullopt;
      bool good = count && consistent(*d) && d->tail[2].starts_with("BackTrace") &&
                  parse_hex(d->tail[2].substr(9));
      flush();
      frames.clear();
      if (!good) {
        source.skip(line);
        in_skipped_record = true;
        continue;
      }
      in_skipped_record = false;
      Pending record;
      record.line = line;
      record.id = std::string(d->tail[2].substr(9));
      record.old_bytes = d->old_value;
      record.new_bytes = d->new_value;
      record.new_count = *count;
      pending = std::move(record);
      any_record = true;
      continue;
    }
    if (in_skipped_record) continue;
    if (auto frame = parse_frame(t); frame && pending) {
      frames.push_back(*frame);
      continue;
    }
    source.skip(line);
  }
  flush();
  if (!any_record) source.fail_at_end("no BackTrace records");
}

}  // namespace leakdbg::winimport
