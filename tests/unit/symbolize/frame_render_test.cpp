#include "symbolize/frame_render.h"

#include <gtest/gtest.h>

#include <sstream>

namespace leakdbg {
namespace {

SymbolicFrame frame(uint64_t address, std::string module, std::string function, uint64_t offset,
                    std::string file = "", uint32_t line = 0, bool inlined = false) {
  SymbolicFrame f;
  f.address = address;
  f.module = std::move(module);
  f.function = std::move(function);
  f.offset = offset;
  f.file = std::move(file);
  f.line = line;
  f.inlined = inlined;
  return f;
}

TEST(FrameRender, JsonHasEveryKey) {
  auto json = frame_to_json(frame(0x7f12ab, "libplugin.so", "parse", 0x1f, "plugin.cpp", 42));
  EXPECT_EQ(json["address"], "0x7f12ab");
  EXPECT_EQ(json["module"], "libplugin.so");
  EXPECT_EQ(json["function"], "parse");
  EXPECT_EQ(json["file"], "plugin.cpp");
  EXPECT_EQ(json["line"], 42);
  EXPECT_EQ(json["inlined"], false);
  auto bare = frame_to_json(frame(0x10, "", "", 0));
  EXPECT_EQ(bare["function"], "");
  EXPECT_EQ(bare["line"], 0);
  auto list = frames_to_json({frame(1, "a", "f", 0), frame(2, "b", "g", 0, "", 0, true)});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1]["inlined"], true);
  EXPECT_TRUE(frames_to_json({}).is_array());
}

TEST(FrameRender, TextForms) {
  EXPECT_EQ(frame_to_text(frame(0x1000, "libplugin.so", "parse", 0x1f, "/src/plugin.cpp", 42)),
            "libplugin.so!parse+0x1f  /src/plugin.cpp:42");
  EXPECT_EQ(frame_to_text(frame(0x1000, "libplugin.so", "helper", 0x1f, "plugin.h", 7, true)),
            "libplugin.so!helper+0x1f  plugin.h:7  [inlined]");
  EXPECT_EQ(frame_to_text(frame(0x1000, "libplugin.so", "", 0x2a40)), "libplugin.so+0x2a40");
  EXPECT_EQ(frame_to_text(frame(0xdead, "", "", 0)), "0xdead");
  EXPECT_EQ(frame_to_text(frame(0x1000, "prog", "main", 0)), "prog!main");
}

TEST(FrameRender, FoldsRunsOfRuntimeFrames) {
  std::vector<SymbolicFrame> frames = {
      frame(0x1, "libc.so.6", "malloc", 0x10),
      frame(0x2, "libstdc++.so.6", "operator new(unsigned long)", 0x12),
      frame(0x3, "libplugin.so", "ConfigParser::parse(char const*)", 0x40, "parser.cpp", 12),
      frame(0x4, "libplugin.so", "main", 0x8)};
  std::ostringstream folded, full;
  print_stack(folded, frames, true);
  print_stack(full, frames, false);
  EXPECT_EQ(folded.str(),
            "    0x2  libstdc++.so.6!operator new+0x12  (+1 runtime frames folded)\n"
            "    0x3  libplugin.so!ConfigParser::parse+0x40  parser.cpp:12\n"
            "    0x4  libplugin.so!main+0x8\n");
  std::string unfolded = full.str();
  EXPECT_EQ(std::count(unfolded.begin(), unfolded.end(), '\n'), 4);
  EXPECT_NE(unfolded.find("libc.so.6!malloc+0x10"), std::string::npos);
}

TEST(FrameRender, FirstUserFrameSkipsRuntime) {
  std::vector<SymbolicFrame> frames = {
      frame(0x1, "libstdc++.so.6", "operator new(unsigned long)", 0),
      frame(0x2, "libplugin.so", "parse", 0)};
  ASSERT_NE(first_user_frame(frames), nullptr);
  EXPECT_EQ(first_user_frame(frames)->function, "parse");
  frames.pop_back();
  EXPECT_EQ(first_user_frame(frames), nullptr);
  EXPECT_EQ(first_user_frame({}), nullptr);
}

}  // namespace
}  // namespace leakdbg
