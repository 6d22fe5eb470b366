// An empty shared library: a harmless "other" LD_PRELOAD entry for the `run` tests.
extern "C" int leakdbg_test_empty_preload() { return 0; }
