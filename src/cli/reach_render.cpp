#include "cli/reach_render.h"

#include <filesystem>

#include "analysis/block_filter.h"
#include "symbolize/frame_render.h"
#include "util/units.h"

namespace leakdbg::cli {
namespace {

// The order the scan saves registers in (glibc's ucontext gregs on x86_64, then the
// vector registers as pairs of words).
std::string register_name(uint64_t index) {
  static const char* const kGeneral[] = {"r8",     "r9",  "r10",    "r11",     "r12", "r13",
                                         "r14",    "r15", "rdi",    "rsi",     "rbp", "rbx",
                                         "rdx",    "rax", "rcx",    "rsp",     "rip", "eflags",
                                         "csgsfs", "err", "trapno", "oldmask", "cr2"};
  constexpr uint64_t kGeneralCount = sizeof kGeneral / sizeof kGeneral[0];
  if (index < kGeneralCount) return kGeneral[index];
  return "xmm" + std::to_string((index - kGeneralCount) / 2);
}

}  // namespace

nlohmann::json reach_summary_json(const ReachSummary& summary) {
  if (!summary.scan.attempted) return nullptr;
  nlohmann::json out = {{"status", std::string(reach_status_name(summary.scan.status))},
                        {"pause_ms", summary.scan.pause_ns / 1e6},
                        {"fork_ms", summary.scan.fork_ns / 1e6},
                        {"scan_ms", summary.scan.scan_ns / 1e6},
                        {"scan_cpu_ms", summary.scan.scan_cpu_ns / 1e6},
                        {"root_bytes", summary.scan.root_bytes},
                        {"block_bytes", summary.scan.block_bytes},
                        {"referrers_found", summary.scan.referrers_found},
                        {"referrers_dropped", summary.scan.referrers_dropped},
                        {"threads_stopped", summary.scan.threads_stopped}};
  if (!summary.classified) return out;
  for (ReachClass c : {ReachClass::kReachable, ReachClass::kPossibly, ReachClass::kIndirect,
                       ReachClass::kUnreachable}) {
    const ClassTotals& t = totals_of(summary, c);
    out[std::string(reach_class_name(c))] = {{"blocks", t.blocks}, {"bytes", t.bytes}};
  }
  if (!summary.regions_classified) return out;
  out["mmap_regions"] = region_classes_json(summary);
  return out;
}

nlohmann::json region_classes_json(const ReachSummary& summary) {
  if (!summary.regions_classified) return nullptr;
  nlohmann::json regions = nlohmann::json::object();
  for (ReachClass c : {ReachClass::kReachable, ReachClass::kPossibly, ReachClass::kIndirect,
                       ReachClass::kUnreachable}) {
    const ClassTotals& t = region_totals_of(summary, c);
    regions[std::string(reach_class_name(c))] = {{"regions", t.blocks}, {"bytes", t.bytes}};
  }
  return regions;
}

void print_reach_summary(const ReachSummary& summary, const NumberStyle& style, std::ostream& out) {
  if (!summary.scan.attempted) return;
  if (!summary.classified) {
    out << "reachability: not classified (" << reach_status_name(summary.scan.status) << ")\n";
    return;
  }
  // Most telling first.
  auto line = [&](const char* title, const char* unit,
                  const ClassTotals& (*totals)(const ReachSummary&, ReachClass)) {
    out << title;
    const char* separator = " ";
    for (ReachClass c : {ReachClass::kUnreachable, ReachClass::kIndirect, ReachClass::kPossibly,
                         ReachClass::kReachable}) {
      const ClassTotals& t = totals(summary, c);
      out << separator << reach_class_name(c) << " " << style.count(t.blocks) << unit << " ("
          << style.bytes(t.bytes) << ")";
      separator = ", ";
    }
    out << '\n';
  };
  line("reachability:", " blocks", totals_of);
  if (summary.regions_classified) line("mmap regions:", "", region_totals_of);
}

std::string ReferrerRenderer::module_name(const ReferrerInfo& r) const {
  if (!r.module) return "";
  return std::filesystem::path(r.module->path).filename().string();
}

std::string ReferrerRenderer::symbol(const ReferrerInfo& r) {
  if (r.kind != ReferrerKind::kMemory || !symbolizer_ || !r.module) return "";
  std::optional<NearestSymbol> s = symbolizer_->nearest_symbol_name(r.slot);
  if (!s || (s->size && r.slot >= s->start + s->size)) return "";
  return s->name;
}

std::string ReferrerRenderer::site(const ReferrerInfo& r) {
  // The allocation site of the block (or mmap region) holding the word.
  const uint32_t stack = r.holder ? r.holder->stack_id : r.region ? r.region->stack_id : 0;
  if (!symbolizer_ || stack == 0) return "";
  std::vector<SymbolicFrame> frames = symbolizer_->frames_of(stack);
  const SymbolicFrame* frame = first_user_frame(frames);
  if (!frame && !frames.empty()) frame = &frames.back();
  return frame ? frame_to_text(*frame) : "";
}

std::string ReferrerRenderer::text(const ReferrerInfo& r) {
  switch (r.kind) {
    case ReferrerKind::kBlock: {
      std::string text =
          r.region ? "mmap region " + format_hex(r.region->address) + " +" + style_.count(r.offset)
                   : "block " + format_hex(r.holder ? r.holder->address : r.slot);
      if (r.holder) text += " +" + style_.count(r.offset);
      std::string where = site(r);
      if (!where.empty()) text += " (" + where + ")";
      return text;
    }
    case ReferrerKind::kMemory: {
      std::string name = symbol(r);
      std::string module = module_name(r);
      std::string text = "global " + (name.empty() ? format_hex(r.slot) : name);
      if (!module.empty()) return text + " (" + module + ")";
      return "memory " + format_hex(r.slot) + " (no module)";
    }
    case ReferrerKind::kStack:
      return "stack of thread " + thread_label(model_, r.tid) + " at " + format_hex(r.slot);
    case ReferrerKind::kTls:
      return "TLS of thread " + thread_label(model_, r.tid) + " at " + format_hex(r.slot);
    case ReferrerKind::kRegister:
      return "register " + register_name(r.slot) + " of thread " + thread_label(model_, r.tid);
    case ReferrerKind::kNone:
      break;
  }
  return "none";
}

nlohmann::json ReferrerRenderer::json(const ReferrerInfo& r) {
  nlohmann::json out = {{"kind", std::string(referrer_kind_name(r.kind))}};
  if (r.kind == ReferrerKind::kRegister) {
    out["address"] = nullptr;
    out["register"] = register_name(r.slot);
  } else {
    out["address"] = json_address(r.slot);
  }
  out["offset"] = r.holder || r.region ? nlohmann::json(r.offset) : nlohmann::json(nullptr);
  out["block"] = r.holder ? nlohmann::json(json_address(r.holder->address)) : nullptr;
  if (r.region) out["region"] = json_address(r.region->address);
  out["module"] = module_name(r);
  out["symbol"] = symbol(r);
  out["site"] = site(r);
  if (r.tid) out["thread"] = r.tid;
  out["parent"] = r.parent;
  return out;
}

}  // namespace leakdbg::cli
