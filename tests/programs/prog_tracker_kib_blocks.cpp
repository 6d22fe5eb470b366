// Keeps COUNT blocks of SIZE bytes live until exit (they are never freed, so the exit
// snapshot holds them), with a small block between every two: a heap where the tracker's
// heap shadow would cost half the heap without its memory bound.
//
// usage: prog_tracker_kib_blocks COUNT SIZE
// Prints "blocks=N bytes=B": what the program allocated and kept.
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: prog_tracker_kib_blocks COUNT SIZE\n");
    return 2;
  }
  const long count = std::strtol(argv[1], nullptr, 10);
  const long size = std::strtol(argv[2], nullptr, 10);
  if (count <= 0 || size <= 0) {
    std::fprintf(stderr, "prog_tracker_kib_blocks: COUNT and SIZE must be positive\n");
    return 2;
  }
  auto** kept = static_cast<void**>(std::malloc(sizeof(void*) * 2 * count));
  if (kept == nullptr) return 1;
  for (long i = 0; i < count; ++i) {
    kept[2 * i] = std::malloc(size);
    kept[2 * i + 1] = std::malloc(24);
    if (kept[2 * i] == nullptr || kept[2 * i + 1] == nullptr) return 1;
    std::memset(kept[2 * i], 1, size);
  }
  std::printf("blocks=%ld bytes=%ld\n", 2 * count + 1,
              count * (size + 24) + static_cast<long>(sizeof(void*) * 2 * count));
  return 0;
}
