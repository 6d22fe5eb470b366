// Forks a child that leaks 5 blocks and exits normally; the parent leaks 3 and waits.
// Prints the child's pid to stdout (with write(2), so that no stdio buffer is allocated).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main() {
  for (int i = 0; i < 3; ++i) {
    void* volatile p = std::malloc(300);
    (void)p;
  }
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    for (int i = 0; i < 5; ++i) {
      void* volatile p = std::malloc(500);
      (void)p;
    }
    std::exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  // Without stdio: its buffer would be one more heap block in the parent than in the child.
  char line[32];
  int length = std::snprintf(line, sizeof line, "%d\n", static_cast<int>(child));
  if (write(1, line, static_cast<size_t>(length)) != length) return 1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
