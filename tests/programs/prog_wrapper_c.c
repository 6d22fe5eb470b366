/* A C program whose allocations all go through one wrapper, xalloc(), used by three
 * callers: two keep a bounded ring of recent blocks (freeing the oldest), the third
 * (remember_event) keeps every event in a list that is never freed. The site must be named
 * by the caller, not by the wrapper.
 *   --seconds S    run for S seconds (default 3), 2000 events a second (kept to the clock,
 *                  so that a loaded machine changes the pace of the loop, not the growth) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct event {
  struct event* next;
  unsigned id;
  char text[52];
};

static struct event* history;
static unsigned checksum;
static char* recent_names[32];
static unsigned char* recent_buffers[4];

__attribute__((noinline, noclone)) static void* xalloc(size_t size) {
  void* p = malloc(size);
  if (!p) abort();
  return p;
}

__attribute__((noinline)) static void format_name(unsigned id) {
  char* name = xalloc(64);
  snprintf(name, 64, "client-%u", id);
  checksum += (unsigned char)name[7];
  free(recent_names[id % 32]);
  recent_names[id % 32] = name;
}

__attribute__((noinline)) static void fill_buffer(unsigned id) {
  unsigned char* buffer = xalloc(1024);
  memset(buffer, (int)(id & 0x7f), 1024);
  checksum += buffer[id % 1024];
  free(recent_buffers[id % 4]);
  recent_buffers[id % 4] = buffer;
}

__attribute__((noinline)) static void remember_event(unsigned id) {
  struct event* e = xalloc(sizeof *e); /* LEAK-SITE */
  e->id = id;
  snprintf(e->text, sizeof e->text, "event %u", id);
  e->next = history;
  history = e;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  double seconds = 3.0;
  for (int i = 1; i + 1 < argc; ++i)
    if (strcmp(argv[i], "--seconds") == 0) seconds = atof(argv[i + 1]);
  double start = now_s(), end = start + seconds;
  struct timespec pause = {0, 2000000};
  unsigned done = 0;
  for (double now = start; now < end; now = now_s()) {
    unsigned due = (unsigned)((now - start) * 2000);
    for (; done < due; ++done) {
      format_name(done);
      fill_buffer(done);
      remember_event(done);
    }
    nanosleep(&pause, NULL);
  }
  printf("checksum %u\n", checksum);
  for (unsigned i = 0; i < 32; ++i) free(recent_names[i]);
  for (unsigned i = 0; i < 4; ++i) free(recent_buffers[i]);
  return 0;
}
