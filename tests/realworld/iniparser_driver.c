/* Driver for iniparser (https://github.com/ndevilla/iniparser), Coverity CID 1169710:
 * iniparser_getseckeys allocated the "section:" prefix it matches keys with (keym) and never
 * freed it. Loads INI_FILE once, then lists the keys of its section in a loop (freeing each
 * list, as the caller must) for about SECONDS seconds. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "iniparser.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  double seconds = argc > 2 ? atof(argv[2]) : 3.0;
  dictionary* ini = iniparser_load(argv[1]);
  if (!ini) return 1;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  do {
    for (int i = 0; i < 200; ++i) {
      char** keys = iniparser_getseckeys(ini, "server");
      free(keys);
    }
    usleep(10000);
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 <
           seconds);
  iniparser_freedict(ini);
  return 0;
}
