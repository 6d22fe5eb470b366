// "prog_tracker_exec": re-executes itself with "child", which prints its LD_PRELOAD
// (empty if unset) to stdout and exits.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "child") == 0) {
    const char* preload = std::getenv("LD_PRELOAD");
    std::printf("child LD_PRELOAD=[%s]\n", preload ? preload : "");
    return 0;
  }
  void* volatile p = std::malloc(123);
  (void)p;
  std::fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    char* args[] = {argv[0], const_cast<char*>("child"), nullptr};
    execv("/proc/self/exe", args);
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return 0;
}
