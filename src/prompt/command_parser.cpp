#include "prompt/command_parser.h"

#include <cctype>

#include "util/text_split.h"
#include "util/units.h"

namespace leakdbg::prompt {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Printable form of what the user typed, for error messages (no control bytes echoed).
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  if (text.size() > 40) out += "...";
  return out;
}

ParseResult fail(std::string message) { return {std::nullopt, std::move(message)}; }
ParseResult ok(Command command) { return {std::move(command), {}}; }

std::optional<uint64_t> number(std::string_view word) { return parse_number(word, true); }

ParseResult bad_number(std::string_view what, std::string_view word) {
  return fail("bad " + std::string(what) + " \"" + shown(word) +
              "\" (hex by default, 0n prefix for decimal)");
}

ParseResult parse_stat(const std::vector<std::string_view>& w) {
  Command c;
  c.kind = CommandKind::kHeapStat;
  for (size_t i = 2; i < w.size(); ++i) {
    std::string option = lower(w[i]);
    if (option == "-h") {
      if (++i >= w.size()) return fail("!heap -stat -h needs a heap (handle or id from !heap -s)");
      c.heap = std::string(w[i]);
    } else if (option == "-grp") {
      if (++i >= w.size()) return fail("!heap -stat -grp needs A, B or S");
      std::string letter = lower(w[i]);
      if (letter == "s")
        c.order = StatOrder::kTotalSize;
      else if (letter == "b")
        c.order = StatOrder::kBlockCount;
      else if (letter == "a")
        c.order = StatOrder::kAllocationSize;
      else
        return fail("!heap -stat -grp takes A (size), B (block count) or S (total size), not \"" +
                    shown(w[i]) + "\"");
      if (i + 1 < w.size() && !w[i + 1].starts_with("-")) {
        auto n = number(w[++i]);
        if (!n || *n == 0 || *n > 1000000) return bad_number("MaxDisplay", w[i]);
        c.max_display = static_cast<size_t>(*n);
      }
    } else {
      return fail("!heap -stat: unknown option \"" + shown(w[i]) +
                  "\" (use -h HEAP, -grp A|B|S [N])");
    }
  }
  return ok(c);
}

ParseResult parse_filter(const std::vector<std::string_view>& w) {
  Command c;
  c.kind = CommandKind::kHeapFilter;
  std::string mode = w.size() > 2 ? lower(w[2]) : "";
  if (mode == "s" && w.size() == 4) {
    auto size = number(w[3]);
    if (!size || *size == UINT64_MAX) return bad_number("size", w[3]);
    c.min_size = *size;
    c.max_size = *size + 1;
    return ok(c);
  }
  if (mode == "r" && w.size() == 5) {
    auto min = number(w[3]);
    if (!min) return bad_number("minimum size", w[3]);
    auto max = number(w[4]);
    if (!max) return bad_number("maximum size", w[4]);
    if (*min >= *max) return fail("!heap -flt r MIN MAX: MIN must be below MAX (MAX is exclusive)");
    c.min_size = *min;
    c.max_size = *max;
    return ok(c);
  }
  return fail("usage: !heap -flt s SIZE  or  !heap -flt r MIN MAX");
}

ParseResult parse_heap(const std::vector<std::string_view>& w) {
  if (w.size() < 2)
    return fail("!heap needs an option: -s, -stat, -flt, -p -a, -l, -x (type ? for help)");
  std::string option = lower(w[1]);
  if (option == "-s") {
    if (w.size() != 2) return fail("!heap -s takes no arguments here");
    Command c;
    c.kind = CommandKind::kHeapSummary;
    return ok(c);
  }
  if (option == "-stat") return parse_stat(w);
  if (option == "-flt") return parse_filter(w);
  if (option == "-p") {
    if (w.size() != 4 || lower(w[2]) != "-a") return fail("usage: !heap -p -a ADDRESS");
    auto address = parse_address(w[3]);
    if (!address) return bad_number("address", w[3]);
    Command c;
    c.kind = CommandKind::kHeapAddress;
    c.address = *address;
    return ok(c);
  }
  if (option == "-l") {
    if (w.size() != 2) return fail("!heap -l takes no arguments here");
    Command c;
    c.kind = CommandKind::kHeapLeaks;
    return ok(c);
  }
  if (option == "-x") {
    if (w.size() != 3) return fail("usage: !heap -x ADDRESS");
    auto address = parse_address(w[2]);
    if (!address) return bad_number("address", w[2]);
    Command c;
    c.kind = CommandKind::kHeapReferences;
    c.address = *address;
    return ok(c);
  }
  return fail("!heap " + shown(w[1]) + " is not supported (type ? for help)");
}

}  // namespace

ParseResult parse_command(std::string_view text) {
  auto w = split_words(text);
  if (w.empty()) return ok(Command{});
  std::string verb = lower(w[0]);
  if (verb == "!heap") return parse_heap(w);
  Command c;
  if (verb == "ln") {
    if (w.size() != 2) return fail("usage: ln ADDRESS");
    auto address = parse_address(w[1]);
    if (!address) return bad_number("address", w[1]);
    c.kind = CommandKind::kNearestSymbol;
    c.address = *address;
    return ok(c);
  }
  if (verb == ".snap") {
    if (w.size() == 1) {
      c.kind = CommandKind::kListSnapshots;
      return ok(c);
    }
    if (w.size() != 2) return fail("usage: .snap [N]");
    auto n = number(w[1]);
    if (!n) return bad_number("snapshot number", w[1]);
    c.kind = CommandKind::kSwitchSnapshot;
    c.snapshot = static_cast<size_t>(*n);
    return ok(c);
  }
  if (verb == "?" || verb == ".help" || verb == "help") {
    c.kind = CommandKind::kHelp;
    return ok(c);
  }
  if (verb == "q" || verb == "qq" || verb == ".quit" || verb == "quit" || verb == "exit") {
    if (w.size() != 1) return fail("q takes no arguments");
    c.kind = CommandKind::kQuit;
    return ok(c);
  }
  return fail("unknown command \"" + shown(w[0]) + "\" (type ? for help)");
}

bool is_quit_command(std::string_view line) {
  ParseResult result = parse_command(line);
  return result.command && result.command->kind == CommandKind::kQuit;
}

std::vector<std::string> split_command_list(std::string_view line) {
  std::vector<std::string> commands;
  while (true) {
    size_t semicolon = line.find(';');
    std::string_view piece = line.substr(0, semicolon);
    auto w = split_words(piece);
    if (!w.empty()) {
      size_t start = piece.find_first_not_of(" \t\r\n\v\f");
      size_t end = piece.find_last_not_of(" \t\r\n\v\f");
      commands.emplace_back(piece.substr(start, end - start + 1));
    }
    if (semicolon == std::string_view::npos) break;
    line.remove_prefix(semicolon + 1);
  }
  return commands;
}

}  // namespace leakdbg::prompt
