#include "util/proc_maps.h"

#include "util/digits.h"
#include "util/text_split.h"

namespace leakdbg {

namespace {

bool valid_perms(std::string_view perms) {
  return perms.size() == 4 && (perms[0] == 'r' || perms[0] == '-') &&
         (perms[1] == 'w' || perms[1] == '-') && (perms[2] == 'x' || perms[2] == '-') &&
         (perms[3] == 'p' || perms[3] == 's');
}

}  // namespace

MapsField parse_maps_line(std::string_view line, MapsLine& fields, std::string_view* bad_text) {
  std::string_view rest = line;
  std::string_view field;
  auto malformed = [&](MapsField which) {
    if (bad_text) *bad_text = field;
    return which;
  };

  field = take_field(rest);
  size_t dash = field.find('-');
  auto start = parse_unsigned<uint64_t>(field.substr(0, dash), 16);
  auto end = dash == std::string_view::npos ? std::nullopt
                                            : parse_unsigned<uint64_t>(field.substr(dash + 1), 16);
  if (!start || !end) return malformed(MapsField::kRange);
  fields.range = field;
  fields.start = *start;
  fields.end = *end;

  field = take_field(rest);
  if (!valid_perms(field)) return malformed(MapsField::kPerms);
  fields.perms = field;
  fields.read = field[0] == 'r';
  fields.write = field[1] == 'w';
  fields.exec = field[2] == 'x';
  fields.shared = field[3] == 's';

  field = take_field(rest);
  auto offset = parse_unsigned<uint64_t>(field, 16);
  if (!offset) return malformed(MapsField::kOffset);
  fields.offset = *offset;

  field = take_field(rest);
  size_t colon = field.find(':');
  auto major = colon == std::string_view::npos
                   ? std::nullopt
                   : parse_unsigned<uint32_t>(field.substr(0, colon), 16);
  auto minor = colon == std::string_view::npos
                   ? std::nullopt
                   : parse_unsigned<uint32_t>(field.substr(colon + 1), 16);
  if (!major || !minor) return malformed(MapsField::kDevice);
  fields.dev_major = *major;
  fields.dev_minor = *minor;

  field = take_field(rest);
  auto inode = parse_unsigned<uint64_t>(field, 10);
  if (!inode) return malformed(MapsField::kInode);
  fields.inode = *inode;

  size_t path_begin = rest.find_first_not_of(' ');
  fields.path = path_begin == std::string_view::npos ? std::string_view() : rest.substr(path_begin);
  return MapsField::kNone;
}

}  // namespace leakdbg
