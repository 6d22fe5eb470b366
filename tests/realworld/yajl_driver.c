/* Driver for yajl (https://github.com/lloyd/yajl), pull request #57: yajl_tree_parse asked
 * yajl_get_error for the message of a failed parse, copied it into the caller's buffer and
 * never freed the string yajl_render_error_string had allocated. Parses a broken and a valid
 * document in a loop, freeing every tree it gets, for about SECONDS seconds. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

int main(int argc, char** argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 3.0;
  char error[256];
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  do {
    for (int i = 0; i < 200; ++i) {
      yajl_val bad = yajl_tree_parse("@", error, sizeof error);
      if (bad) yajl_tree_free(bad);
      yajl_val good = yajl_tree_parse("{\"key\": [1, 2, 3]}", error, sizeof error);
      if (good) yajl_tree_free(good);
    }
    usleep(10000);
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 <
           seconds);
  return 0;
}
