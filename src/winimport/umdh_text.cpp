// UMDH output. A single log lists records per heap, each followed by its stack the first
// time its BackTrace id appears:
//   00005320 bytes in 0x14 allocations (@ 0x00000428 + 0x00000010) by: BackTrace00B53
//   000001A0 bytes + 00000020 at 0016A8E8 by BackTrace00001
// A diff lists, per BackTrace, byte and count changes between two logs, then the stack:
//   + 2a98c90 ( 2a98c90 -     0)  15cf4 allocs	BackTrace74050
//   +   15cf4 ( 15cf4 -     0)	BackTrace74050	allocations
// Older UMDH versions print no count line; the old count is then estimated from the new
// average size (the bytes stay exact).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "winimport/frame_text.h"
#include "winimport/parsers.h"

namespace leakdbg::winimport {
namespace {

bool is_umdh_chatter(std::string_view t) {
  return t.empty() || t.starts_with("//") || t.starts_with("DBGHELP:") || t.starts_with("Total ") ||
         t.starts_with("REQUESTED bytes") || t.starts_with("STACK if not already dumped") ||
         t.starts_with("Debug library") || t.starts_with("Warning:") || t.starts_with("UMDH:");
}

std::string_view backtrace_id(std::string_view word, const TextSource& source, const Line& line) {
  if (!word.starts_with("BackTrace") || !parse_hex(word.substr(9)))
    source.fail(line, "expected a BackTrace id, got \"" + std::string(word) + "\"");
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
  uint16_t heap = fmt::kArenaUnknown;
  bool any_record = false;

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
    auto words = split_words(t);
    if (words.size() >= 2 && words[1] == "bytes" && parse_hex(words[0])) {
      flush();
      Pending record;
      record.line = line;
      record.bytes = *parse_hex(words[0]);
      if (words.size() == 8 && words[2] == "+" && words[4] == "at" && words[6] == "by") {
        auto overhead = parse_hex(words[3]);
        auto address = parse_hex(words[5]);
        if (!overhead || !address) source.fail(line, "bad hex number in allocation record");
        record.single = true;
        record.count = 1;
        record.address = *address;
        record.id = backtrace_id(words[7], source, line);
      } else if (words.size() >= 8 && words[2] == "in" && words[4] == "allocations" &&
                 words[words.size() - 2] == "by:") {
        auto count = parse_hex(words[3]);
        if (!count) source.fail(line, "bad allocation count \"" + std::string(words[3]) + "\"");
        record.count = *count;
        record.id = backtrace_id(words.back(), source, line);
      } else {
        source.fail(line, "malformed allocation record \"" + std::string(t) + "\"");
      }
      pending = std::move(record);
      any_record = true;
      continue;
    }
    if (auto frame = parse_frame(t)) {
      if (!pending) source.fail(line, "stack frame before any allocation record");
      stacks.add(*frame);
      continue;
    }
    source.fail(line, "unrecognized line \"" + std::string(t) + "\"");
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

// "+ DELTA ( NEW - OLD) ..." with the parentheses possibly glued to the numbers.
std::optional<DiffLine> parse_diff_line(std::string_view t, std::string& scratch) {
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
  auto delta = parse_hex(words[1]);
  auto new_value = parse_hex(words[3]);
  auto old_value = parse_hex(words[5]);
  if (!delta || !new_value || !old_value) return std::nullopt;
  DiffLine d{words[0] == "-", *delta, *new_value, *old_value, {}};
  d.tail.assign(words.begin() + 7, words.end());
  return d;
}

bool consistent(const DiffLine& d) {
  if (d.negative) return d.old_value >= d.new_value && d.old_value - d.new_value == d.delta;
  return d.new_value >= d.old_value && d.new_value - d.old_value == d.delta;
}

uint64_t estimate_old_count(uint64_t old_bytes, uint64_t new_bytes, uint64_t new_count) {
  if (old_bytes == 0) return 0;
  if (new_bytes == 0 || new_count == 0) return 1;
  long double estimate = static_cast<long double>(old_bytes) * new_count / new_bytes;
  long double rounded = std::max<long double>(1, std::round(estimate));
  return std::min<uint64_t>(old_bytes,
                            static_cast<uint64_t>(std::min<long double>(rounded, old_bytes)));
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

  auto flush = [&] {
    if (!pending) return;
    uint64_t old_count =
        pending->old_count
            ? *pending->old_count
            : estimate_old_count(pending->old_bytes, pending->new_bytes, pending->new_count);
    old_model.add_record(old_count, pending->old_bytes, old_model.stack(frames), fmt::kArenaUnknown,
                         pending->line);
    new_model.add_record(pending->new_count, pending->new_bytes, new_model.stack(frames),
                         fmt::kArenaUnknown, pending->line);
    pending.reset();
    frames.clear();
  };

  for (const auto& line : lines) {
    std::string_view t = trim(line.text);
    if (is_umdh_chatter(t)) continue;
    if (t[0] == '+' || t[0] == '-') {
      auto d = parse_diff_line(t, scratch);
      if (!d) source.fail(line, "malformed record \"" + std::string(t) + "\"");
      if (!consistent(*d))
        source.fail(line, "change does not equal new minus old (truncated or edited?)");
      if (d->tail.size() == 2 && d->tail[1] == "allocations") {
        // The count line of the record above it.
        std::string_view id = backtrace_id(d->tail[0], source, line);
        if (!pending || pending->id != id || pending->old_count)
          source.fail(line, "allocation count line without its byte line");
        if (d->new_value != pending->new_count)
          source.fail(line, "new allocation count differs from the byte line's");
        pending->old_count = d->old_value;
        continue;
      }
      if (d->tail.size() != 3 || d->tail[1] != "allocs")
        source.fail(line, "expected \"COUNT allocs BackTraceID\" after the byte change");
      auto count = parse_hex(d->tail[0]);
      if (!count) source.fail(line, "bad allocation count \"" + std::string(d->tail[0]) + "\"");
      flush();
      Pending record;
      record.line = line;
      record.id = backtrace_id(d->tail[2], source, line);
      record.old_bytes = d->old_value;
      record.new_bytes = d->new_value;
      record.new_count = *count;
      pending = std::move(record);
      any_record = true;
      continue;
    }
    if (auto frame = parse_frame(t)) {
      if (!pending) source.fail(line, "stack frame before any record");
      frames.push_back(*frame);
      continue;
    }
    source.fail(line, "unrecognized line \"" + std::string(t) + "\"");
  }
  flush();
  if (!any_record) source.fail_at_end("no BackTrace records");
}

}  // namespace leakdbg::winimport
