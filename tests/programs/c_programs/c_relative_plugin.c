// The plugin of prog_c_relative_plugin: keeps every record it is given and never frees it.
#include <stdlib.h>
#include <string.h>

static char** g_records;
static size_t g_count;

__attribute__((noinline)) static char* copy_record(const char* text) {
  size_t size = strlen(text) + 1;
  char* copy = malloc(size);  // the leak the test looks for
  if (copy) memcpy(copy, text, size);
  return copy;
}

size_t plugin_keep(const char* text) {
  char** grown = realloc(g_records, (g_count + 1) * sizeof *grown);
  if (!grown) return g_count;
  g_records = grown;
  g_records[g_count++] = copy_record(text);
  return g_count;
}
