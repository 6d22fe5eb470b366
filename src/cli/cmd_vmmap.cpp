// `leakdbg vmmap PID | SNAP [--base BASE] [--detail TYPE] [--json] [--hex]` (Sysinternals VMMap):
// the address space by memory type, live from /proc/PID/smaps or as a snapshot recorded it;
// a snapshot with region classes adds its tracked anonymous mmap regions by class (a live
// process has no scan to classify them).
#include <iostream>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/json_output.h"
#include "cli/option_values.h"
#include "cli/vmmap_render.h"
#include "input/load.h"
#include "procmem/live_process.h"
#include "procmem/model_knowledge.h"
#include "util/error.h"
#include "util/terminal_text.h"

namespace leakdbg::cli {
namespace {

using procmem::MemType;

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

VmTarget open_target(const std::string& arg) {
  VmTarget t;
  t.argument = arg;
  if (all_digits(arg)) {
    int pid = parse_pid_value(arg);
    t.kind = "process";
    t.pid = static_cast<uint32_t>(pid);
    t.view = procmem::view_of_process(pid);
    std::string name = procmem::process_name(pid);
    t.description = "process " + arg + (name.empty() ? "" : " (" + name + ")");
    return t;
  }
  HeapModel model = load_model(arg);
  t.kind = "snapshot";
  t.pid = model.pid;
  t.view = procmem::view_of_model(model);
  if (model.caps.region_classes) t.reach = summarize_reachability(model);
  t.description = escape_control_chars(arg) + " (pid " + std::to_string(model.pid) + ", snapshot " +
                  std::to_string(model.sequence) + ")";
  return t;
}

Action setup_vmmap(CommandOptions& sub) {
  struct VmmapOptions {
    std::string target, base, detail;
    bool json = false, hex = false;
  };
  auto opts = std::make_shared<VmmapOptions>();
  sub.add_option("target", opts->target, "Process id, or a snapshot file")->required();
  sub.add_option("--base", opts->base, "Compare with this earlier snapshot (or process id)");
  sub.add_option("--detail", opts->detail,
                 "List the mappings of one type: Image, 'Mapped File', Shareable, Heap, Stack, "
                 "'Private Data', 'Page Table', Reserved");
  sub.add_flag("--json", opts->json, "JSON output (bytes as integers)");
  sub.add_flag("--hex", opts->hex, "Byte and mapping counts in hex, as WinDbg prints numbers");
  return [opts]() -> int {
    std::optional<MemType> detail;
    if (!opts->detail.empty()) {
      detail = procmem::parse_mem_type(opts->detail);
      if (!detail)
        throw Error("--detail " + escape_control_chars(opts->detail) +
                        ": unknown type (Image, Mapped File, Shareable, Heap, Stack, Private Data, "
                        "Page Table, Reserved)",
                    2);
    }
    VmTarget target = open_target(opts->target);
    std::optional<VmTarget> base;
    if (!opts->base.empty()) base = open_target(opts->base);
    const NumberStyle style{opts->hex};
    if (opts->json)
      print_json(std::cout, vmmap_json(target, base ? &*base : nullptr, detail));
    else
      print_vmmap(target, base ? &*base : nullptr, detail, style, std::cout);
    return 0;
  };
}

const Registration vmmap_registration("vmmap", setup_vmmap);

}  // namespace
}  // namespace leakdbg::cli
