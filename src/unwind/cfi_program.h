// Interpreter for DWARF call-frame instructions (CIE initial instructions, then an FDE's),
// keeping only what an x86_64 frame rule needs: the CFA, and the rules of RBP and of the
// return-address column. Every other register's rule is parsed and dropped.
#pragma once

#include <cstdint>

#include "unwind/byte_reader.h"

namespace leakdbg::unwind {

struct CieInfo {
  uint64_t code_align = 1;
  int64_t data_align = -8;
  uint64_t ra_register = 16;
  uint8_t fde_encoding = 0;  // DW_EH_PE_absptr
  bool has_augmentation_data = false;
  bool signal_frame = false;
  uintptr_t instructions = 0, instructions_end = 0;
};

struct CfaRow {
  enum class Kind : uint8_t { kUnchanged, kUndefined, kSavedAtCfa, kUnsupported };
  struct RegisterRule {
    Kind kind = Kind::kUnchanged;
    int64_t offset = 0;  // kSavedAtCfa: stored at CFA + offset
  };
  uint64_t cfa_register = 7;  // RSP
  int64_t cfa_offset = 8;
  bool cfa_unsupported = false;  // expression-defined CFA
  bool sp_rule_unsupported = false;
  RegisterRule rbp, ra;
};

class CfiInterpreter {
 public:
  CfiInterpreter(const CieInfo& cie, uintptr_t start_location, uintptr_t target_pc)
      : cie_(cie), location_(start_location), target_(target_pc) {}

  // Runs the CIE's initial instructions; their result is what DW_CFA_restore returns to.
  bool run_initial(ByteReader program);
  // Runs an FDE's instructions up to the row that covers target_pc.
  bool run(ByteReader program);
  const CfaRow& row() const { return row_; }

 private:
  static constexpr int kStateStackDepth = 16;
  static constexpr uint64_t kRbp = 6, kRsp = 7;

  bool execute(ByteReader& program, bool* reached);
  bool advance(uint64_t delta, bool* reached);
  void set_rule(uint64_t reg, CfaRow::Kind kind, int64_t offset = 0);
  void restore_rule(uint64_t reg);

  CieInfo cie_;
  uintptr_t location_;
  uintptr_t target_;
  CfaRow row_, initial_;
  CfaRow saved_[kStateStackDepth];
  int saved_count_ = 0;
};

}  // namespace leakdbg::unwind
