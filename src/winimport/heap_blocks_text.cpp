// `!heap -flt s|r` and `!heap -p -a ADDR`: heap entries, each optionally followed by the
// symbol its first pointer resolves to and (with +ust) its allocation stack.
//       address 1b2c4568 found in
//       _HEAP @ a3c0000
//         HEAP_ENTRY Size Prev Flags    UserPtr UserSize - state
//           1b2c4568 0009 0000  [00]   1b2c4580    00030 - (busy)
//             Tally!g_ruleStrings
//           77a1e5f2 ntdll!RtlAllocateHeap+0x0000003e
// Newer debuggers print the hint as a type line ("? Tally!CFoo::`vftable'"). With page heap
// enabled the block is described by its DPH_HEAP_BLOCK instead:
//       _DPH_HEAP_ROOT @ 5f1000
//       in busy allocation (  DPH_HEAP_BLOCK:  UserAddr  UserSize -  VirtAddr  VirtSize)
//                                  5f2d48:   7c58ff0        10 -   7c58000      2000
// Lines an author elided ("....") and lines not understood are counted, not fatal.
#include <optional>

#include "winimport/frame_text.h"
#include "winimport/parsers.h"

namespace leakdbg::winimport {
namespace {

struct Entry {
  uint64_t entry = 0, units = 0, user_ptr = 0, user_size = 0;
  bool busy = false;
};

std::optional<Entry> parse_entry(const std::vector<std::string_view>& words) {
  if (words.size() < 7) return std::nullopt;
  auto entry = parse_hex(words[0]);
  auto units = parse_hex(words[1]);
  auto prev = parse_hex(words[2]);
  if (!entry || !units || !prev) return std::nullopt;
  size_t i = words[3].starts_with("[") ? 4 : 3;
  if (words.size() < i + 4) return std::nullopt;
  auto user_ptr = parse_hex(words[i]);
  auto user_size = parse_hex(words[i + 1]);
  if (!user_ptr || !user_size || words[i + 2] != "-") return std::nullopt;
  std::string state;
  for (size_t k = i + 3; k < words.size(); ++k) state += std::string(words[k]) + " ";
  if (!state.starts_with("(") || state.find(')') == std::string::npos) return std::nullopt;
  Entry e{*entry, *units, *user_ptr, *user_size, state.starts_with("(busy")};
  return e;
}

class BlockListing {
 public:
  BlockListing(const TextSource& source, ModelBuilder& model) : source_(source), model_(model) {}

  void read(const Line& line) {
    std::string_view t = trim(line.text);
    if (t.empty()) return;
    auto words = split_words(t);
    if (t.starts_with("address ") && t.ends_with("found in")) {
      flush();
      if (awaiting_entry_) source_.skip(*awaiting_entry_);
      if (words.size() != 4 || !parse_hex(words[1]))
        source_.fail(line, "bad line \"" + std::string(t) + "\"");
      awaiting_entry_ = line;
      return;
    }
    if (t.starts_with("_HEAP @ ")) {
      flush();
      auto handle = words.size() == 3 ? parse_hex(words[2]) : std::nullopt;
      if (!handle) source_.fail(line, "bad heap line \"" + std::string(t) + "\"");
      heap_ = model_.heap(*handle, line);
      return;
    }
    if (t.starts_with("_DPH_HEAP_ROOT @ ")) {
      flush();
      auto handle = words.size() == 3 ? parse_hex(words[2]) : std::nullopt;
      if (!handle) source_.fail(line, "bad heap line \"" + std::string(t) + "\"");
      heap_ = model_.heap(*handle, line);
      return;
    }
    if (t.starts_with("in busy allocation") || t.starts_with("in free-ed allocation")) {
      flush();
      page_heap_busy_ = t.starts_with("in busy");
      awaiting_page_block_ = true;
      awaiting_entry_.reset();
      return;
    }
    if (awaiting_page_block_ && !words.empty() && words[0].ends_with(':')) {
      awaiting_page_block_ = false;
      read_page_heap_block(words, line);
      return;
    }
    if (t.starts_with("HEAP_ENTRY")) return;
    if (is_elision(t)) {
      source_.elision();
      return;
    }
    if (auto entry = parse_entry(words)) {
      flush();
      if (!heap_) source_.fail(line, "heap entry before the \"_HEAP @\" line");
      current_ = *entry;
      current_line_ = line;
      hint_allowed_ = true;
      awaiting_entry_.reset();
      return;
    }
    // The first pointer of the block resolved to a symbol: a hint, not a frame.
    // Class names with templates hold spaces: "Tally!Foo<Bar, Baz>::`vftable'".
    if (t.starts_with("? ")) t = trim(t.substr(2));
    if (hint_allowed_ && looks_like_symbol(t) && !parse_hex(words[0])) {
      hint_allowed_ = false;
      return;
    }
    if (auto frame = parse_frame(t);
        frame && current_ && words.size() >= 1 && parse_hex(words[0])) {
      frames_.push_back(*frame);
      hint_allowed_ = false;
      return;
    }
    source_.skip(line);
  }

  void finish() {
    flush();
    if (awaiting_entry_ && blocks_ == 0)
      source_.fail(*awaiting_entry_, "no heap entry follows (truncated?)");
    if (awaiting_entry_) source_.skip(*awaiting_entry_);
  }

 private:
  // "5f2d48:   7c58ff0        10 -   7c58000      2000": DPH_HEAP_BLOCK, user address and
  // size, then the virtual range page heap reserved around the block.
  void read_page_heap_block(const std::vector<std::string_view>& words, const Line& line) {
    auto user_ptr = words.size() >= 3 ? parse_hex(words[1]) : std::nullopt;
    auto user_size = words.size() >= 3 ? parse_hex(words[2]) : std::nullopt;
    if (!heap_ || !user_ptr || !user_size || (words.size() > 3 && words[3] != "-")) {
      source_.skip(line);
      return;
    }
    uint64_t address = *user_ptr, size = *user_size;
    if (!page_heap_busy_) return;  // a freed block: nothing live
    current_ = Entry{address, 0, address, size, true};
    current_line_ = line;
    hint_allowed_ = false;
  }

  void flush() {
    if (!current_) return;
    if (current_->busy) {
      // Entries count in units of the header size: 8 bytes on 32-bit, 16 on 64-bit.
      uint64_t granularity = current_->entry > 0xffffffffu ? 16 : 8;
      Block block;
      block.address = current_->user_ptr;
      block.size = current_->user_size;
      if (current_->units > 0 && current_->units < (UINT64_MAX / granularity)) {
        uint64_t usable = (current_->units - 1) * granularity;
        block.usable = usable >= block.size ? usable : 0;
      }
      block.arena = *heap_;
      block.stack_id = model_.stack(frames_);
      model_.add_block(block, current_line_);
      ++blocks_;
    }
    current_.reset();
    frames_.clear();
    hint_allowed_ = false;
  }

  const TextSource& source_;
  ModelBuilder& model_;
  std::optional<uint16_t> heap_;
  std::optional<Entry> current_;
  Line current_line_;
  std::optional<Line> awaiting_entry_;
  std::vector<SymbolicFrame> frames_;
  bool hint_allowed_ = false;
  bool awaiting_page_block_ = false, page_heap_busy_ = false;
  uint64_t blocks_ = 0;
};

}  // namespace

void parse_heap_blocks(const std::vector<Line>& lines, const TextSource& source,
                       ModelBuilder& model) {
  BlockListing listing(source, model);
  for (const auto& line : lines) listing.read(line);
  listing.finish();
}

}  // namespace leakdbg::winimport
