# Coverage of the library (issue 8, item 13).
#
#   make coverage             build with --coverage into $(COV_BUILD), run the
#                             unit tests and the integration suites, report
#                             line and branch coverage of src/ and port/posix
#                             (the CLI in a report of its own), and fail below
#                             COV_MIN_LINES / COV_MIN_BRANCHES percent.
#   make coverage-report      the reports again from the counters already there.
#
# COV_SUITES="tls e2e" limits the suites (default: every tests/*/run.sh, as
# tools/run-suites.sh finds them). Reports: $(COV_BUILD)/coverage/index.html
# (annotated sources), coverage-lines.txt and coverage-branches.txt (per
# file), coverage-cli.txt. docs/testing.md, "Coverage", says what is not
# covered and why.

COV_BUILD        ?= $(BUILD)/cov
COV_MIN_LINES    ?= 95
COV_MIN_BRANCHES ?= 85
COV_SUITES       ?=

# -O0: branches map to the source as written, not to what the optimiser
# duplicated or merged.
COV_MAKE = $(MAKE) --no-print-directory BUILD=$(COV_BUILD) OPT='-O0 -g' \
           CFLAGS='$(CFLAGS) --coverage -Werror' LDFLAGS='$(LDFLAGS) --coverage'

# gcc also counts the branches it adds itself (exception edges, branches
# that no input can take); those are not the program's decisions.
COV_GCOVR = gcovr --root . --exclude-unreachable-branches \
            --exclude-throw-branches -j 2
COV_DATA  = $(COV_BUILD)/coverage.json

.PHONY: coverage coverage-deps coverage-run coverage-report

coverage: deps coverage-deps
	@tests/rucio-server/venv.sh
	$(COV_MAKE) tests
	@$(MAKE) --no-print-directory coverage-run; run=$$?; \
	 $(MAKE) --no-print-directory coverage-report; report=$$?; \
	 [ $$run = 0 ] || echo "coverage: a test failed (see above); the figures are those of the run"; \
	 [ $$run = 0 ] && [ $$report = 0 ]

# Fresh counters, then every test once; gcov merges the counts of all
# processes that ran (the CLI and the tools of the suites included).
coverage-run:
	@find $(COV_BUILD) -name '*.gcda' -delete
	@st=0; \
	 $(COV_MAKE) unit-test || st=1; \
	 SUITES='$(COV_SUITES)' tools/run-suites.sh $(COV_BUILD) || st=1; \
	 exit $$st

coverage-report: coverage-deps
	@rm -rf $(COV_BUILD)/coverage && mkdir -p $(COV_BUILD)/coverage
	@$(COV_GCOVR) --filter 'src/' --filter 'port/posix/' \
	    --json $(COV_DATA) $(COV_BUILD)/obj
	@$(COV_GCOVR) -a $(COV_DATA) --exclude 'src/cli/' \
	    --txt $(COV_BUILD)/coverage-lines.txt
	@$(COV_GCOVR) -a $(COV_DATA) --exclude 'src/cli/' -b \
	    --txt $(COV_BUILD)/coverage-branches.txt
	@$(COV_GCOVR) -a $(COV_DATA) --filter 'src/cli/' \
	    --txt $(COV_BUILD)/coverage-cli.txt
	@$(COV_GCOVR) -a $(COV_DATA) --exclude 'src/cli/' \
	    --html-details $(COV_BUILD)/coverage/index.html \
	    --html-title 'rucio-lite library coverage'
	@cat $(COV_BUILD)/coverage-lines.txt $(COV_BUILD)/coverage-branches.txt
	@echo "CLI (not in the gate): $$(tail -n 2 $(COV_BUILD)/coverage-cli.txt | head -n 1)"
	@echo "reports: $(COV_BUILD)/coverage/index.html, $(COV_BUILD)/coverage-*.txt"
	@$(COV_GCOVR) -a $(COV_DATA) --exclude 'src/cli/' --print-summary \
	    --fail-under-line $(COV_MIN_LINES) \
	    --fail-under-branch $(COV_MIN_BRANCHES) >$(COV_BUILD)/coverage-summary.txt; \
	 st=$$?; cat $(COV_BUILD)/coverage-summary.txt; \
	 if [ $$st = 0 ]; then \
	     echo "PASS  coverage at least $(COV_MIN_LINES) % of lines and $(COV_MIN_BRANCHES) % of branches"; \
	 else \
	     echo "FAIL  coverage below $(COV_MIN_LINES) % of lines or $(COV_MIN_BRANCHES) % of branches"; \
	     exit 1; \
	 fi

# gcovr from Debian, installed as tools/deps.sh installs the rest.
coverage-deps:
	@command -v gcovr >/dev/null 2>&1 && exit 0; \
	 if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	     echo "deps: installing: gcovr"; \
	     DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	     DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	         --no-install-recommends gcovr >/dev/null; \
	 else \
	     echo "deps: missing Debian package: gcovr" >&2; \
	     echo "deps: install it with:  sudo apt-get install gcovr" >&2; \
	     exit 1; \
	 fi
