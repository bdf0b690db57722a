# Sanitizers and valgrind (docs/testing.md, "Sanitizers and valgrind").
#
#   make test SANITIZE=1     all of make test (unit tests, TLS, e2e and
#                            the other suites) under ASan+UBSan, built
#                            into build/asan (objects of its own)
#   make test-valgrind       the e2e suite with rucio-lite and e2e_client
#                            under valgrind memcheck (normal build)
#
# SANITIZE=1 appends to ALL_CFLAGS, which every compile and link line of
# the Makefile uses (the link lines too, so the runtimes are linked in);
# the test target's CFLAGS="... -Werror" does not override it. gcc's and
# clang's sanitizers both work with cmocka: CC=clang SANITIZE=1 works too.

SANITIZE ?=
SAN_PLAIN_BUILD = $(BUILD)/plain
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer

ifeq ($(SANITIZE),1)
# Sanitized objects never mix with the normal build: the Makefile picks
# build/asan when SANITIZE=1; an explicit BUILD= must name another folder.
ifeq ($(BUILD),build)
$(error SANITIZE=1 builds into its own folder: add BUILD=build/asan)
endif
ALL_CFLAGS += $(SAN_FLAGS)

# Any report (ASan, UBSan through -fno-sanitize-recover, a leak at exit)
# ends the program with status 86, which no test expects, so the check
# that ran it fails; the report is on its stderr. A caller's own settings
# win.
export ASAN_OPTIONS ?= exitcode=86:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1
export UBSAN_OPTIONS ?= exitcode=86:print_stacktrace=1:halt_on_error=1

# (The TLS suite's peak-RSS bound allows for ASan by itself: it looks for
# the runtime in https_get. TLS_RSS_LIMIT_KIB overrides it.)

# check-heap is about the library's own code: ASan and UBSan add calls
# to their runtimes and writable descriptors in .data. Under SANITIZE=1
# it checks an uninstrumented build of the same sources instead
# (build/asan/plain): the recipe's $(LIB) and $(TPORT_LIB) are expanded
# when it runs, so target-specific values redirect it.
check-heap: LIB := $(SAN_PLAIN_BUILD)/librucio.a
check-heap: TPORT_LIB := $(SAN_PLAIN_BUILD)/librucio_testport.a
check-heap: san-plain-libs
endif

.PHONY: test-valgrind san-plain-libs

san-plain-libs:
	@$(MAKE) --no-print-directory SANITIZE= BUILD=$(SAN_PLAIN_BUILD) \
	    $(SAN_PLAIN_BUILD)/librucio.a $(SAN_PLAIN_BUILD)/librucio_testport.a

# valgrind memcheck over the e2e suite: every rucio-lite and e2e_client
# command runs under valgrind (tests/e2e/run.sh's E2E_WRAP), each with its
# own log; any memory error or definite leak fails the command (exit 99)
# and therefore its check, and the logs are scanned once more at the end.
VALGRIND      ?= valgrind
VALGRIND_LOGS  = $(BUILD)/valgrind
VALGRIND_OPTS ?= --error-exitcode=99 --leak-check=full \
                 --errors-for-leak-kinds=definite --show-leak-kinds=definite \
                 --track-origins=yes --num-callers=30

test-valgrind: $(CLI) $(TOOL_BINS)
ifeq ($(SANITIZE),1)
	@echo "test-valgrind runs the normal build: drop SANITIZE=1"; exit 1
endif
	@command -v $(VALGRIND) >/dev/null || { echo "FAIL  valgrind: not installed (apt-get install valgrind)"; exit 1; }
	@rm -rf $(VALGRIND_LOGS) && mkdir -p $(VALGRIND_LOGS)
	@E2E_WRAP="$(VALGRIND) $(VALGRIND_OPTS) --log-file=$(abspath $(VALGRIND_LOGS))/%p.log" \
	    E2E_SLACK_S=$${E2E_SLACK_S:-15} tests/e2e/run.sh $(BUILD)
	@n=$$(ls $(VALGRIND_LOGS) | wc -l); \
	 bad=$$(grep -L 'ERROR SUMMARY: 0 errors' $(VALGRIND_LOGS)/*.log); \
	 if [ -n "$$bad" ]; then \
	     for f in $$bad; do echo "== $$f"; cat "$$f"; done; \
	     echo "FAIL  valgrind: errors in $$(echo $$bad | wc -w) of $$n runs"; exit 1; \
	 fi; \
	 echo "PASS  valgrind: $$n runs, 0 errors, no definite leak (logs: $(VALGRIND_LOGS))"
