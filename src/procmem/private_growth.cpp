#include "procmem/private_growth.h"

#include <cmath>
#include <optional>

#include "procmem/model_knowledge.h"
#include "util/units.h"

namespace leakdbg::procmem {

namespace {

int64_t delta(uint64_t now, uint64_t base) {
  return now >= base ? static_cast<int64_t>(now - base) : -static_cast<int64_t>(base - now);
}

std::optional<uint64_t> recorded_private_bytes(const HeapModel& model) {
  if (!model.proc_status.empty()) {
    ProcStatus s = parse_proc_status(model.proc_status);
    if (s.valid) return private_bytes(s);
  }
  if (!model.samples.empty() && model.samples.back().private_bytes)
    return model.samples.back().private_bytes;
  return std::nullopt;
}

std::optional<VmView> recorded_view(const HeapModel& model) {
  if (model.smaps.empty()) return std::nullopt;
  try {
    return view_of_model(model);
  } catch (const std::exception&) {
    return std::nullopt;  // damaged smaps: fall back to the tracked heap figures
  }
}

}  // namespace

std::string explain_private_growth(int64_t private_delta, int64_t heap_delta) {
  std::string text =
      "private " + format_bytes_signed(private_delta) + ", heap " + format_bytes_signed(heap_delta);
  if (private_delta > 0) {
    double share = static_cast<double>(heap_delta) / static_cast<double>(private_delta) * 100.0;
    text += " (" + std::to_string(static_cast<long long>(std::llround(share))) + "%)";
  }
  return text;
}

std::string explain_private_growth(const PrivateGrowth& growth) {
  if (!growth.private_known)
    return "private growth unknown (no process figures recorded), heap " +
           format_bytes_signed(growth.heap_delta);
  return explain_private_growth(growth.private_delta, growth.heap_delta);
}

PrivateGrowth private_growth(const VmView& base, const VmView& now) {
  PrivateGrowth g;
  g.private_delta = delta(view_private_bytes(now), view_private_bytes(base));
  g.heap_delta = delta(now.summary.of(MemType::kHeap).private_bytes,
                       base.summary.of(MemType::kHeap).private_bytes);
  return g;
}

PrivateGrowth private_growth(const HeapModel& base, const HeapModel& now) {
  PrivateGrowth g;
  auto base_view = recorded_view(base), now_view = recorded_view(now);
  if (base_view && now_view) {
    g = private_growth(*base_view, *now_view);
  } else {
    g.heap_delta = delta(now.heap_bytes(), base.heap_bytes());
  }
  auto base_private = recorded_private_bytes(base), now_private = recorded_private_bytes(now);
  if (base_private && now_private) {
    g.private_delta = delta(*now_private, *base_private);
  } else if (!(base_view && now_view)) {
    g.private_known = false;
  }
  return g;
}

std::string explain_private_growth(const HeapModel& base, const HeapModel& now) {
  return explain_private_growth(private_growth(base, now));
}

}  // namespace leakdbg::procmem
