#include "symbolize/short_name.h"

#include <array>
#include <cstring>
#include <vector>

namespace leakdbg {

namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// True when text[0, end) ends with the keyword "operator" (so what follows is an operator's
// spelling such as "<<", "()" or "new", not a template list or a parameter list).
bool ends_with_operator(std::string_view text, size_t end) {
  constexpr std::string_view kOperator = "operator";
  size_t stop = end;
  while (stop > 0 && text[stop - 1] == ' ') --stop;
  if (stop < kOperator.size() ||
      text.substr(stop - kOperator.size(), kOperator.size()) != kOperator)
    return false;
  size_t start = stop - kOperator.size();
  return start == 0 || !is_identifier_char(text[start - 1]);
}

// Length of the operator spelling starting at text[at] right after "operator".
size_t operator_spelling(std::string_view text, size_t at) {
  static constexpr std::array<std::string_view, 9> kLong = {"<<=", ">>=", "<=>", "<<", ">>",
                                                            "<=",  ">=",  "->",  "()"};
  for (std::string_view op : kLong)
    if (text.substr(at, op.size()) == op) return op.size();
  if (at < text.size() && (text[at] == '<' || text[at] == '>')) return 1;
  return 0;
}

// Index of the bracket closing the one at text[open], or npos. Brackets of every kind nest;
// operator spellings ("operator<", "operator()") are skipped.
size_t matching_close(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (i > open && ends_with_operator(text, i)) {
      size_t skip = operator_spelling(text, i);
      if (skip) {
        i += skip - 1;
        continue;
      }
    }
    char c = text[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    if (c == '>' || c == ')' || c == ']' || c == '}') {
      if (--depth == 0) return i;
    }
  }
  return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The top-level, comma-separated parts of a bracket's contents.
std::vector<std::string_view> split_arguments(std::string_view inner) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') {
      size_t close = matching_close(inner, i);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == ',') {
      parts.push_back(trim(inner.substr(start, i - start)));
      start = i + 1;
    }
  }
  parts.push_back(trim(inner.substr(start)));
  return parts;
}

// The qualified name that a template list at the end of `out` belongs to ("std::vector").
std::string_view template_name(const std::string& out) {
  size_t start = out.size();
  while (start > 0 && (is_identifier_char(out[start - 1]) || out[start - 1] == ':')) --start;
  return std::string_view(out).substr(start);
}

// A standard default argument that says nothing: allocators, char traits, and the default
// comparator, hasher and deleter of the first argument.
bool is_default_argument(std::string_view arg, std::string_view first) {
  if (arg.starts_with("std::allocator<") || arg.starts_with("std::char_traits<")) return true;
  for (std::string_view wrapper :
       {"std::less<", "std::equal_to<", "std::hash<", "std::default_delete<"}) {
    if (!arg.starts_with(wrapper) || arg.back() != '>') continue;
    std::string_view inside = trim(arg.substr(wrapper.size(), arg.size() - wrapper.size() - 1));
    if (inside == first) return true;
  }
  return false;
}

// Standard class templates whose usual instance has a name of its own.
struct Alias {
  std::string_view templ, argument, alias;
};
constexpr std::array<Alias, 14> kAliases = {{
    {"std::basic_string", "char", "std::string"},
    {"std::basic_string", "wchar_t", "std::wstring"},
    {"std::basic_string", "char8_t", "std::u8string"},
    {"std::basic_string", "char16_t", "std::u16string"},
    {"std::basic_string", "char32_t", "std::u32string"},
    {"std::basic_string_view", "char", "std::string_view"},
    {"std::basic_string_view", "wchar_t", "std::wstring_view"},
    {"std::basic_ostream", "char", "std::ostream"},
    {"std::basic_istream", "char", "std::istream"},
    {"std::basic_iostream", "char", "std::iostream"},
    {"std::basic_ostringstream", "char", "std::ostringstream"},
    {"std::basic_istringstream", "char", "std::istringstream"},
    {"std::basic_stringstream", "char", "std::stringstream"},
    {"std::basic_ifstream", "char", "std::ifstream"},
}};

void collapse_into(std::string_view text, std::string& out);

// Handles the template list text[open..close] that follows `out`'s last name.
void collapse_template_list(std::string_view inner, std::string& out) {
  std::vector<std::string> args;
  for (std::string_view raw : split_arguments(inner)) {
    std::string arg;
    collapse_into(raw, arg);
    args.push_back(std::move(arg));
  }
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i)
    if (i == 0 || !is_default_argument(args[i], args[0])) kept.push_back(args[i]);
  std::string_view name = template_name(out);
  for (const Alias& alias : kAliases)
    if (name == alias.templ && kept.size() == 1 && kept[0] == alias.argument) {
      out.resize(out.size() - name.size());
      out += alias.alias;
      return;
    }
  out += '<';
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i) out += ", ";
    out += kept[i];
  }
  out += '>';
}

void collapse_into(std::string_view text, std::string& out) {
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i).starts_with("std::__cxx11::")) {
      out += "std::";
      i += std::strlen("std::__cxx11::");
      continue;
    }
    if (ends_with_operator(text, i)) {
      if (size_t skip = operator_spelling(text, i)) {
        out.append(text.substr(i, skip));
        i += skip;
        continue;
      }
    }
    char c = text[i];
    if (c == '<') {
      size_t close = matching_close(text, i);
      if (close == std::string_view::npos) {  // not a name we understand: leave the rest
        out.append(text.substr(i));
        return;
      }
      collapse_template_list(text.substr(i + 1, close - i - 1), out);
      i = close + 1;
      continue;
    }
    out += c;
    ++i;
  }
}

bool is_qualifier_word(std::string_view word) {
  return word == "const" || word == "volatile" || word == "&" || word == "&&" ||
         word == "noexcept" || word == "const&" || word == "const&&";
}

// Where the function's own parameter list starts ('(' at top level, followed only by
// qualifiers such as " const" or " &&"), or npos.
size_t parameter_list_start(std::string_view name) {
  size_t end = name.size();
  // Drop trailing qualifiers and clone suffixes (" [clone .cold]").
  for (;;) {
    std::string_view head = trim(name.substr(0, end));
    end = head.size();
    if (end > 0 && head.back() == ']') {
      size_t open = head.rfind(" [clone ");
      if (open == std::string_view::npos) break;
      end = open;
      continue;
    }
    size_t space = head.rfind(' ');
    std::string_view word = space == std::string_view::npos ? head : head.substr(space + 1);
    if (space == std::string_view::npos || !is_qualifier_word(word)) break;
    end = space;
  }
  if (end == 0 || name[end - 1] != ')') return std::string_view::npos;
  // Walk back to the matching '('.
  int depth = 0;
  for (size_t i = end; i-- > 0;) {
    char c = name[i];
    if (c == ')' || c == '>' || c == ']' || c == '}') ++depth;
    if (c == '(' || c == '<' || c == '[' || c == '{') {
      if (--depth == 0)
        return c == '(' && i > 0 && !ends_with_operator(name, i) ? i : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// Where the qualified name starts after a template function's return type ("void ",
// "std::string "), found as the last top-level blank that is not part of an operator name.
size_t name_start(std::string_view name, size_t stop) {
  size_t start = 0;
  for (size_t i = 0; i < stop; ++i) {
    if (ends_with_operator(name, i)) {
      if (size_t skip = operator_spelling(name, i)) {
        i += skip - 1;
        continue;
      }
    }
    char c = name[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') {
      size_t close = matching_close(name, i);
      if (close == std::string_view::npos || close >= stop) break;
      i = close;
    } else if (c == ' ' && !ends_with_operator(name, i) && i > 0 && name[i - 1] != ',') {
      start = i + 1;
    }
  }
  return start;
}

}  // namespace

std::string collapse_std_templates(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  collapse_into(text, out);
  return out;
}

std::string short_function_name(std::string_view full, bool overloaded) {
  std::string collapsed = collapse_std_templates(full);
  std::string_view name = collapsed;
  size_t params = parameter_list_start(name);
  size_t stop = params == std::string_view::npos ? name.size() : params;
  size_t start = name_start(name, stop);
  if (overloaded || params == std::string_view::npos) return std::string(name.substr(start));
  return std::string(name.substr(start, stop - start));
}

}  // namespace leakdbg
