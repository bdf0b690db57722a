# Benchmarks (issue 10): rucio-lite side by side with curl and the Python
# client, against nginx with canned Rucio answers and against the real
# Rucio server of the end-to-end suite. Not part of `make test`.
#
#   make bench         the full run (under 15 min); writes docs/benchmarks.md
#                      and docs/benchmarks.png
#   make bench-quick   a smoke test of the same harness (few runs, under
#                      3 min); writes its page into $(BENCH_BUILD) only
#
# Both install what is missing (Debian packages as root, the Python
# client's venv in $(BENCH_BUILD)/venv) and build into $(BENCH_BUILD).
# See bench/run.sh and the page's "Regenerating" paragraph.
#
#   make bench-transfer        rucio-lite put/get beside curl -T/-o through
#                              signed URLs, against the test storage servers
#                              (S3, GCS stand-in): SIZE_MIB (256) MiB, RUNS (5)
#                              runs; writes docs/benchmarks-transfer.md
#   make bench-transfer-quick  16 MiB, 2 runs; the page stays in
#                              $(TRANSFER_BENCH_BUILD)
#
# Both need `make storage-deps` and build into $(TRANSFER_BENCH_BUILD)
# (bench/transfer.sh).

BENCH_BUILD ?= build/bench
TRANSFER_BENCH_BUILD ?= build/bench-transfer

.PHONY: bench bench-quick bench-tools bench-transfer bench-transfer-quick

bench:
	@bench/run.sh $(BENCH_BUILD) full

bench-quick:
	@bench/run.sh $(BENCH_BUILD) quick

bench-transfer:
	@bench/transfer.sh $(TRANSFER_BENCH_BUILD) full

bench-transfer-quick:
	@bench/transfer.sh $(TRANSFER_BENCH_BUILD) quick

# What bench/run.sh builds with BUILD=$(BENCH_BUILD), besides `all`.
BENCH_TOOLS := $(BUILD)/bench/runstat $(BUILD)/bench/warm $(BUILD)/bench/floor \
               $(BUILD)/bench/rucio-lite-static

bench-tools: $(BENCH_TOOLS)

# Compiled against the build's mbedTLS (MBEDTLS=, Makefile) like the rest.
$(filter-out $(BUILD)/bench/runstat,$(BENCH_TOOLS)): $(MBEDTLS_DEPS)

$(BUILD)/bench/runstat: bench/runstat.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(OPT) $(CFLAGS) $< -o $@

$(BUILD)/bench/warm: bench/warm.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $< $(LIB) $(LDLIBS) -o $@

# The floor: a minimal client on mbedTLS alone (no library).
$(BUILD)/bench/floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $< $(LDLIBS) -o $@

# The CLI linked statically (glibc's and mbedTLS's archives), stripped:
# the size of what one would copy to a machine without mbedTLS.
$(BUILD)/bench/rucio-lite-static: $(call obj,$(CLI_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -static $(ALL_CFLAGS) $(CLI_LDFLAGS) $(LDFLAGS) $(call obj,$(CLI_SRCS)) \
	    $(LIB) $(LDLIBS) -o $@ 2>$@.log || { cat $@.log; exit 1; }
	strip $@
