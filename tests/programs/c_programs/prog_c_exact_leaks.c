// A C program that leaks a known set of blocks and frees everything else: under the tracker
// its exit snapshot must hold exactly these blocks (see main) and nothing of the tracker's
// making. It writes nothing through stdio, whose buffers would be blocks too.
// Usage: prog_c_exact_leaks [MAPS_COPY]: also copies its /proc/self/maps to MAPS_COPY.
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Kept in a global so that the compiler cannot drop the allocations.
void* volatile g_sink;

__attribute__((noinline)) static void* leak_record(size_t size) {
  char* p = malloc(size);
  if (p) memset(p, 0x5a, size);
  return p;
}

__attribute__((noinline)) static void churn(void) {
  for (int i = 0; i < 1000; ++i) {
    void* p = malloc((size_t)(16 + i % 300));
    g_sink = p;
    free(p);
  }
  char* grown = NULL;
  for (int i = 1; i <= 20; ++i) grown = realloc(grown, (size_t)(i * 100));
  free(grown);
}

// With plain system calls: what the program has mapped, the tracker included.
static int copy_maps(const char* path) {
  int in = open("/proc/self/maps", O_RDONLY);
  int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0) return 1;
  char buffer[4096];
  ssize_t n;
  while ((n = read(in, buffer, sizeof buffer)) > 0)
    if (write(out, buffer, (size_t)n) != n) return 1;
  close(in);
  close(out);
  return n < 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && copy_maps(argv[1]) != 0) return 1;
  churn();
  // Leaked: 3 x 40 + 1000 (calloc) + 300 (realloc'ed from 100) + 6 (strdup) = 1426 bytes.
  for (int i = 0; i < 3; ++i) g_sink = leak_record(40);
  g_sink = calloc(10, 100);
  void* moved = malloc(100);
  g_sink = realloc(moved, 300);
  g_sink = strdup("hello");
  churn();
  return 0;
}
