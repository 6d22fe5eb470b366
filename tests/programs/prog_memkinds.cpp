// Holds memory of every VMMap kind, of known sizes and addresses, until its stdin closes
// (or it gets SIGTERM/SIGINT). It prints one "name=value..." line per region, then "ready".
// Used by procmem_vmmap_test to check `leakdbg vmmap PID` type by type.
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr size_t kSmallBlocks = 20000, kSmallSize = 64;
constexpr size_t kThreadBlocks = 2000, kThreadBlockSize = 200;
constexpr size_t kBigBlock = 8u << 20;
constexpr size_t kSharedAnon = 4u << 20, kFileMap = 2u << 20, kPrivateAnon = 6u << 20,
                 kReserved = 16u << 20;
constexpr size_t kStackSizes[] = {1u << 20, 3u << 20};

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
int threads_ready = 0;
bool quitting = false;

struct ThreadReport {
  void* stack = nullptr;
  size_t stack_size = 0;
  void* block = nullptr;
};

void* thread_main(void* arg) {
  auto* report = static_cast<ThreadReport*>(arg);
  pthread_attr_t attr;
  pthread_getattr_np(pthread_self(), &attr);
  pthread_attr_getstack(&attr, &report->stack, &report->stack_size);
  pthread_attr_destroy(&attr);
  // Served by this thread's own arena, not the main arena.
  std::vector<void*> blocks;
  for (size_t i = 0; i < kThreadBlocks; ++i) {
    blocks.push_back(std::malloc(kThreadBlockSize));
    std::memset(blocks.back(), 0x5a, kThreadBlockSize);
  }
  report->block = blocks[kThreadBlocks / 2];
  pthread_mutex_lock(&lock);
  ++threads_ready;
  pthread_cond_broadcast(&changed);
  while (!quitting) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
  for (void* b : blocks) std::free(b);
  return nullptr;
}

void* map_touched(size_t size, int prot, int flags, int fd = -1) {
  void* p = mmap(nullptr, size, prot, flags, fd, 0);
  if (p == MAP_FAILED) {
    std::perror("mmap");
    std::exit(1);
  }
  if (prot & PROT_WRITE) std::memset(p, 0x11, size);
  return p;
}

void print_region(const char* name, const void* address, size_t size) {
  std::printf("%s=0x%lx %zu\n", name, reinterpret_cast<unsigned long>(address), size);
}

}  // namespace

int main() {
  // Threads first: their stacks then sit apart from the mappings made below.
  pthread_t threads[2];
  ThreadReport reports[2];
  for (int i = 0; i < 2; ++i) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kStackSizes[i]);
    if (pthread_create(&threads[i], &attr, thread_main, &reports[i]) != 0) return 1;
    pthread_attr_destroy(&attr);
  }
  pthread_mutex_lock(&lock);
  while (threads_ready < 2) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);

  std::vector<void*> small;
  for (size_t i = 0; i < kSmallBlocks; ++i) {
    small.push_back(std::malloc(kSmallSize));
    std::memset(small.back(), 0x22, kSmallSize);
  }
  void* big = std::malloc(kBigBlock);  // above the mmap threshold: an mmapped chunk
  std::memset(big, 0x33, kBigBlock);
  // The PROT_NONE reservation separates the chunk from the private mapping made next, so
  // that the kernel cannot merge the two.
  void* reserved = map_touched(kReserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
  void* private_anon =
      map_touched(kPrivateAnon, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  void* shared_anon = map_touched(kSharedAnon, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);

  char path[] = "/tmp/prog_memkinds.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0 || ftruncate(fd, kFileMap) != 0) return 1;
  void* file_map = map_touched(kFileMap, PROT_READ, MAP_PRIVATE, fd);
  volatile char sink = 0;
  for (size_t i = 0; i < kFileMap; i += 4096) sink = sink + static_cast<const char*>(file_map)[i];

  std::printf("pid=%d\n", getpid());
  print_region("small_blocks", small[kSmallBlocks / 2], kSmallBlocks * kSmallSize);
  print_region("big_block", big, kBigBlock);
  print_region("reserved", reserved, kReserved);
  print_region("private_anon", private_anon, kPrivateAnon);
  print_region("shared_anon", shared_anon, kSharedAnon);
  std::printf("file_map=0x%lx %zu %s\n", reinterpret_cast<unsigned long>(file_map), kFileMap, path);
  for (const auto& r : reports) {
    print_region("thread_stack", r.stack, r.stack_size);
    print_region("thread_block", r.block, kThreadBlockSize);
  }
  std::printf("ready\n");
  std::fflush(stdout);

  char c;
  while (read(0, &c, 1) > 0) {
  }
  pthread_mutex_lock(&lock);
  quitting = true;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
  for (auto& t : threads) pthread_join(t, nullptr);
  unlink(path);
  for (void* p : small) std::free(p);
  std::free(big);
  return 0;
}
