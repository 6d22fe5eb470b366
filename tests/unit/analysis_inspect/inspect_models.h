// Hand-built heap models for the inspection tests: stacks carry their symbols (as imported
// text does), so no binary has to be symbolized.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/heap_model.h"

namespace inspect_test {

using leakdbg::Block;
using leakdbg::HeapModel;
using leakdbg::SymbolicFrame;

SymbolicFrame frame(const std::string& module, const std::string& function,
                    const std::string& file = "", uint32_t line = 0, uint64_t address = 0);

// A frame of the allocator itself, folded and skipped as a call site.
SymbolicFrame operator_new_frame(uint64_t address = 0x7f0000001000);

// Adds a stack with these frames (innermost first) and returns its id.
uint32_t add_stack(HeapModel& model, std::vector<SymbolicFrame> frames);

struct BlockSpec {
  uint64_t address = 0, size = 0, usable = 0;
  uint32_t stack = 0;
  uint16_t arena = 0;
  bool mmapped = false;
  std::string content;  // captured first bytes (up to 16); empty: none captured
  uint32_t thread = 1000;
  uint64_t tick = 0;
};
void add_block(HeapModel& model, const BlockSpec& spec);

// Sorts blocks and regions by address, as readers deliver them.
void finish(HeapModel& model);

// A glibc model with the main arena and one thread arena, both with figures.
HeapModel glibc_model();

}  // namespace inspect_test
