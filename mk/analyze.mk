# Static analysis (docs/testing.md, "Static analysis").
#
#   make analyze             cppcheck, then clang-tidy, over the library
#                            (src/, port/posix, port/test) and the CLI;
#                            non-zero on any finding
#   make analyze-cppcheck    one of them
#   make analyze-clang-tidy
#
# Debian packages cppcheck and clang-tidy. The clang-tidy checks are in
# .clang-tidy; cppcheck's options are here and its suppressions, each with
# its reason, in tools/cppcheck.supp. Both see the Makefile's flags
# (ALL_CPPFLAGS, and for clang-tidy the warnings too), so they analyse the
# configuration that is built.

CPPCHECK   ?= cppcheck
CLANG_TIDY ?= clang-tidy
ANALYZE_JOBS ?= 2
ANALYZE_SRCS = $(LIB_SRCS) $(TPORT_SRCS) $(CLI_SRCS)

# warning, style, performance, portability: every class of finding except
# "information" (which only says a system header was not read: cppcheck is
# given the project's headers, not libc's or mbedTLS's, on purpose) and
# unusedFunction (the library's API is used by callers it cannot see).
# --force: every #if configuration, not only the first twelve.
# RUCIO_USER_CONFIG_FILE is undefined as in the real build (defining it
# without a value would make `#include RUCIO_USER_CONFIG_FILE` an error).
CPPCHECK_OPTS = --enable=warning,style,performance,portability \
                --std=c11 --language=c --platform=unix64 --library=posix \
                --force -URUCIO_USER_CONFIG_FILE \
                --suppressions-list=tools/cppcheck.supp \
                --error-exitcode=1 --quiet \
                --cppcheck-build-dir=$(BUILD)/analyze/cppcheck \
                --template='{file}:{line}:{column}: {severity} [{id}] {message}'

.PHONY: analyze analyze-cppcheck analyze-clang-tidy

# clang-tidy compiles the sources, so it needs the headers of the build's
# mbedTLS (MBEDTLS=, Makefile: -isystem, so their own style is not ours
# to judge); cppcheck is not given them (see above).
analyze-clang-tidy: $(MBEDTLS_DEPS)

# Both run even when the first has findings, so one pass shows all.
analyze:
	@st=0; \
	 $(MAKE) --no-print-directory analyze-cppcheck || st=1; \
	 $(MAKE) --no-print-directory analyze-clang-tidy || st=1; \
	 exit $$st

analyze-cppcheck:
	@command -v $(CPPCHECK) >/dev/null || { echo "FAIL  cppcheck: not installed (apt-get install cppcheck)"; exit 1; }
	@mkdir -p $(BUILD)/analyze/cppcheck
	@if $(CPPCHECK) $(CPPCHECK_OPTS) $(filter -I% -D% -U%,$(ALL_CPPFLAGS)) \
	        $(ANALYZE_SRCS); then \
	     echo "PASS  cppcheck: $(words $(ANALYZE_SRCS)) files, no finding"; \
	 else \
	     echo "FAIL  cppcheck: findings above"; exit 1; \
	 fi

# One clang-tidy per file, ANALYZE_JOBS at a time; each file's findings
# are kept in $(BUILD)/analyze/tidy/ and the failing ones shown.
analyze-clang-tidy:
	@command -v $(CLANG_TIDY) >/dev/null || { echo "FAIL  clang-tidy: not installed (apt-get install clang-tidy)"; exit 1; }
	@rm -rf $(BUILD)/analyze/tidy && mkdir -p $(BUILD)/analyze/tidy
	@printf '%s\n' $(ANALYZE_SRCS) | \
	 xargs -P $(ANALYZE_JOBS) -I{} sh -c \
	    'log=$(BUILD)/analyze/tidy/$$(echo {} | tr / _).log; \
	     $(CLANG_TIDY) --quiet {} -- $(CSTD) $(WARN) $(ALL_CPPFLAGS) >"$$log" 2>&1 \
	         || mv "$$log" "$$log.failed"'
	@failed=$$(ls $(BUILD)/analyze/tidy | grep -c '\.failed$$'); \
	 if [ "$$failed" = 0 ]; then \
	     echo "PASS  clang-tidy: $(words $(ANALYZE_SRCS)) files, no finding"; \
	 else \
	     cat $(BUILD)/analyze/tidy/*.failed | grep -v '^[0-9]* warnings\? generated\.$$'; \
	     echo "FAIL  clang-tidy: findings in $$failed of $(words $(ANALYZE_SRCS)) files"; \
	     exit 1; \
	 fi
