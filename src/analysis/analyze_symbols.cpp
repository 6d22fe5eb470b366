// The production frame source: one elfutils Symbolizer per process run.
#include "analysis/analyze_sites.h"

namespace leakdbg::analysis {

namespace {

class SymbolizerFrames : public FrameSource {
 public:
  SymbolizerFrames(const HeapModel& modules, SymbolizerOptions options)
      : symbolizer_(modules, std::move(options)) {}
  std::vector<SymbolicFrame> frames_of(const Stack& stack) override {
    return symbolizer_.frames_of(stack);
  }
  std::optional<DataSymbol> data_symbol(uint64_t address) override {
    std::optional<NearestSymbol> s = symbolizer_.nearest_symbol_name(address);
    if (!s) return std::nullopt;
    return DataSymbol{s->name, s->start, s->size};
  }

 private:
  Symbolizer symbolizer_;
};

}  // namespace

FrameSourceFactory symbolizer_frames(SymbolizerOptions options) {
  return [options](const HeapModel& modules) -> std::unique_ptr<FrameSource> {
    return std::make_unique<SymbolizerFrames>(modules, options);
  };
}

}  // namespace leakdbg::analysis
