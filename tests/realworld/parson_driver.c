/* Driver for parson (https://github.com/kgabis/parson), issue #157: parsing an object whose
 * key holds an escaped NUL ("{\"\\u0000\"") returned NULL without freeing the key that
 * get_quoted_string had allocated in parse_object_value. Parses that text and a valid
 * document in a loop, freeing every result it gets, for about SECONDS seconds. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "parson.h"

int main(int argc, char** argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 3.0;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  do {
    for (int i = 0; i < 200; ++i) {
      JSON_Value* bad = json_parse_string("{\"\\u0000\"");
      if (bad) json_value_free(bad);
      JSON_Value* good = json_parse_string("{\"name\": \"value\", \"list\": [1, 2, 3]}");
      if (good) json_value_free(good);
    }
    usleep(10000);
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 <
           seconds);
  return 0;
}
