// Hand-built heap models for the diff and leak-hunting tests: a snapshot at a given time
// with call sites named by function, blocks allocated at given times, mmap regions and
// /proc figures, the way a tracker snapshot would hold them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analyze_sites.h"
#include "model/heap_model.h"

namespace synth {

inline constexpr uint64_t kStartRealtimeNs = 1'700'000'000'000'000'000ull;
inline constexpr uint64_t kTickNs = 1'000'000;  // 1 ms ticks

class SnapshotBuilder {
 public:
  SnapshotBuilder(uint32_t pid, uint64_t sequence, double time_s,
                  leakdbg::Trigger trigger = leakdbg::Trigger::kInterval);

  // A stack whose innermost user frame is `function` at `file`:`line`, under malloc and
  // above main. Symbolic (as imports carry them) unless use_addresses() was called.
  // Returns its id.
  uint32_t site(const std::string& function, const std::string& file = "app.cpp",
                uint32_t line = 10);

  // A stack of the given symbolic frames (innermost first), as an import carries it.
  uint32_t stack(std::vector<leakdbg::SymbolicFrame> frames);

  // `count` blocks of `size` bytes allocated at `alloc_time_s` from stack `stack`.
  void blocks(uint32_t stack, uint64_t count, uint64_t size, double alloc_time_s,
              uint16_t arena = 0);
  void reserve_blocks(size_t count) { model_.blocks.reserve(count); }
  void region(uint32_t stack, uint64_t length, double alloc_time_s);
  void process(uint64_t private_bytes, uint64_t rss_bytes);
  void tracker_bytes(uint64_t bytes) { model_.stats.tracker_bytes = bytes; }

  // Sites added after this hold return addresses, slid by a bias derived from the pid (as
  // ASLR moves a process's code), instead of symbols; fake_symbols() maps them back.
  void use_addresses() { address_bias_ = uint64_t{model_.pid} << 32; }

  leakdbg::HeapModel build();  // sorts blocks by address; the builder is spent afterwards

 private:
  leakdbg::HeapModel model_;
  uint64_t next_address_ = 0x10000000;
  uint64_t address_bias_ = 0;
};

// Resolves the address stacks SnapshotBuilder writes (function index + bias) and returns
// symbol-carrying stacks as they are.
leakdbg::analysis::FrameSourceFactory fake_symbols();

}  // namespace synth
