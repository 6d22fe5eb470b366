#include "unwind/cfi_program.h"

#include <dwarf.h>

namespace leakdbg::unwind {

bool CfiInterpreter::run_initial(ByteReader program) {
  bool reached = false;
  const bool ok = execute(program, &reached);
  initial_ = row_;
  return ok;
}

bool CfiInterpreter::run(ByteReader program) {
  bool reached = false;
  return execute(program, &reached);
}

bool CfiInterpreter::advance(uint64_t delta, bool* reached) {
  const uint64_t step = delta * cie_.code_align;
  if (cie_.code_align != 0 && step / cie_.code_align != delta) return false;
  // The current row covers [location_, location_ + step): stop once target_ lies in it.
  if (target_ - location_ < step) {
    *reached = true;
    return true;
  }
  location_ += step;
  return true;
}

void CfiInterpreter::set_rule(uint64_t reg, CfaRow::Kind kind, int64_t offset) {
  CfaRow::RegisterRule rule{kind, offset};
  if (reg == kRbp)
    row_.rbp = rule;
  else if (reg == cie_.ra_register)
    row_.ra = rule;
  else if (reg == kRsp && kind != CfaRow::Kind::kUnchanged)
    row_.sp_rule_unsupported = true;
}

void CfiInterpreter::restore_rule(uint64_t reg) {
  if (reg == kRbp)
    row_.rbp = initial_.rbp;
  else if (reg == cie_.ra_register)
    row_.ra = initial_.ra;
  else if (reg == kRsp)
    row_.sp_rule_unsupported = initial_.sp_rule_unsupported;
}

bool CfiInterpreter::execute(ByteReader& program, bool* reached) {
  using Kind = CfaRow::Kind;
  const int64_t data_align = cie_.data_align;
  while (!program.at_end() && !*reached) {
    const uint8_t op = program.u8();
    const uint8_t low = op & 0x3f;
    switch (op & 0xc0) {
      case DW_CFA_advance_loc:
        if (!advance(low, reached)) return false;
        continue;
      case DW_CFA_offset:
        set_rule(low, Kind::kSavedAtCfa, static_cast<int64_t>(program.uleb()) * data_align);
        continue;
      case DW_CFA_restore:
        restore_rule(low);
        continue;
      default:
        break;
    }
    switch (op) {
      case DW_CFA_nop:
        break;
      case DW_CFA_set_loc: {
        const uint64_t loc = program.encoded(cie_.fde_encoding, 0);
        if (!program.ok() || loc < location_) return false;
        if (!advance(loc - location_, reached)) return false;
        break;
      }
      case DW_CFA_advance_loc1:
        if (!advance(program.u8(), reached)) return false;
        break;
      case DW_CFA_advance_loc2:
        if (!advance(program.u16(), reached)) return false;
        break;
      case DW_CFA_advance_loc4:
        if (!advance(program.u32(), reached)) return false;
        break;
      case DW_CFA_offset_extended: {
        const uint64_t reg = program.uleb();
        set_rule(reg, Kind::kSavedAtCfa, static_cast<int64_t>(program.uleb()) * data_align);
        break;
      }
      case DW_CFA_offset_extended_sf: {
        const uint64_t reg = program.uleb();
        set_rule(reg, Kind::kSavedAtCfa, program.sleb() * data_align);
        break;
      }
      case DW_CFA_GNU_negative_offset_extended: {
        const uint64_t reg = program.uleb();
        set_rule(reg, Kind::kSavedAtCfa, -static_cast<int64_t>(program.uleb()) * data_align);
        break;
      }
      case DW_CFA_restore_extended:
        restore_rule(program.uleb());
        break;
      case DW_CFA_undefined:
        set_rule(program.uleb(), Kind::kUndefined);
        break;
      case DW_CFA_same_value:
        set_rule(program.uleb(), Kind::kUnchanged);
        break;
      case DW_CFA_register: {
        const uint64_t reg = program.uleb();
        program.uleb();
        set_rule(reg, Kind::kUnsupported);
        break;
      }
      case DW_CFA_val_offset:
      case DW_CFA_val_offset_sf: {
        const uint64_t reg = program.uleb();
        if (op == DW_CFA_val_offset)
          program.uleb();
        else
          program.sleb();
        set_rule(reg, Kind::kUnsupported);
        break;
      }
      case DW_CFA_expression:
      case DW_CFA_val_expression: {
        const uint64_t reg = program.uleb();
        program.skip(program.uleb());
        set_rule(reg, Kind::kUnsupported);
        break;
      }
      case DW_CFA_remember_state:
        if (saved_count_ == kStateStackDepth) return false;
        saved_[saved_count_++] = row_;
        break;
      case DW_CFA_restore_state: {
        if (saved_count_ == 0) return false;
        // The CFA definition is part of the saved state too (DWARF 5 clarified this, and
        // GCC's epilogues rely on it).
        row_ = saved_[--saved_count_];
        break;
      }
      case DW_CFA_def_cfa:
        row_.cfa_register = program.uleb();
        row_.cfa_offset = static_cast<int64_t>(program.uleb());
        row_.cfa_unsupported = false;
        break;
      case DW_CFA_def_cfa_sf:
        row_.cfa_register = program.uleb();
        row_.cfa_offset = program.sleb() * data_align;
        row_.cfa_unsupported = false;
        break;
      case DW_CFA_def_cfa_register:
        row_.cfa_register = program.uleb();
        break;
      case DW_CFA_def_cfa_offset:
        row_.cfa_offset = static_cast<int64_t>(program.uleb());
        break;
      case DW_CFA_def_cfa_offset_sf:
        row_.cfa_offset = program.sleb() * data_align;
        break;
      case DW_CFA_def_cfa_expression:
        program.skip(program.uleb());
        row_.cfa_unsupported = true;
        break;
      case DW_CFA_GNU_args_size:
        program.uleb();
        break;
      default:
        return false;  // unknown or vendor opcode: its operands cannot be skipped
    }
    if (!program.ok()) return false;
  }
  return program.ok();
}

}  // namespace leakdbg::unwind
