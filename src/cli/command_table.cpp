#include "cli/command_table.h"

#include <map>
#include <stdexcept>

#include "cli/command.h"

namespace leakdbg::cli {

namespace {

constexpr CommandInfo kCommands[] = {
    {"run", "Run a program with the tracker, writing snapshots"},
    {"snap", "Take a snapshot of a tracked process now"},
    {"top", "Private bytes, RSS and virtual size of a process over time (Process Explorer)"},
    {"vmmap", "Address space by memory type: Heap, Stack, Private Data, ... (VMMap)"},
    {"info", "What one snapshot holds: process, trigger, counts"},
    {"summary", "Heaps with reserved, committed, busy and free bytes (!heap -s)"},
    {"stat", "Busy blocks grouped by size, site, function, module or type (!heap -stat)"},
    {"blocks", "Busy blocks of one size or size range (!heap -flt s|r)"},
    {"block", "The block holding an address, with its allocation stack (!heap -p -a)"},
    {"ln", "Nearest symbols and source line of an address (ln)"},
    {"open", "WinDbg-syntax prompt over snapshots (!heap -s/-stat/-flt/-p -a, ln)"},
    {"diff", "What grew between two snapshots, by call site (UMDH)"},
    {"analyze", "Find leaks automatically: trends, growing sites and ranked suspects"},
    {"report", "The analysis as one self-contained HTML page with charts and flame graphs"},
    {"export", "Live memory by stack as a pprof profile or collapsed stacks (flame graphs)"},
};

// Filled during static initialisation by the cmd_*.cpp files, hence a function-local static.
std::map<std::string, Setup>& setups() {
  static std::map<std::string, Setup> registered;
  return registered;
}

std::vector<std::string>& duplicates() {
  static std::vector<std::string> names;
  return names;
}

}  // namespace

std::span<const CommandInfo> command_table() { return kCommands; }

const CommandInfo* find_command(std::string_view name) {
  for (const CommandInfo& c : kCommands)
    if (c.name == name) return &c;
  return nullptr;
}

std::string command_names() {
  std::string names;
  for (const CommandInfo& c : kCommands) {
    if (!names.empty()) names += ", ";
    names += c.name;
  }
  return names;
}

Registration::Registration(std::string name, Setup setup) {
  if (!setups().emplace(name, std::move(setup)).second) duplicates().push_back(std::move(name));
}

std::vector<CommandEntry> registered_commands() {
  if (!duplicates().empty())
    throw std::logic_error("command registered twice: " + duplicates().front());
  for (const auto& [name, setup] : setups())
    if (!find_command(name)) throw std::logic_error("command not in the command table: " + name);
  std::vector<CommandEntry> entries;
  for (const CommandInfo& c : kCommands)
    if (auto it = setups().find(std::string(c.name)); it != setups().end())
      entries.push_back({std::string(c.name), std::string(c.help), it->second});
  return entries;
}

}  // namespace leakdbg::cli
