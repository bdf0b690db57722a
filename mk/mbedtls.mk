# Which mbedTLS the build uses (the variables are in the Makefile's
# mbedTLS block; docs/testing.md, "mbedTLS versions").
#
#   make mbedtls36         build mbedTLS 3.6 from Debian 13's source package
#                          into build/mbedtls36 (any target that compiles
#                          does it first when MBEDTLS=3.6, the default)
#   make test-mbedtls228   the unit tests and the integration suites
#                          against Debian's mbedTLS 2.28 (MBEDTLS=debian),
#                          built into build/mbedtls228
#
# build/mbedtls36 is shared by every BUILD folder (build/asan, build/clang,
# the coverage and fuzz builds), so mbedTLS is compiled once per checkout;
# tools/mbedtls36.sh holds a lock while it works, so parallel makes wait
# for the first instead of racing it.

.PHONY: mbedtls36 test-mbedtls228

# Always the host's compiler: the shared build must not depend on which
# make got there first (check-clang and fuzz use clang, CROSS= a cross
# compiler).
MBEDTLS36_CC ?= cc

mbedtls36 $(MBEDTLS36_STAMP):
	@CC="$(MBEDTLS36_CC)" tools/mbedtls36.sh $(dir $(MBEDTLS36_DIR))

# Every object of the Makefile waits for the mbedTLS it includes
# (MBEDTLS_DEPS; mk/fuzz.mk and mk/bench.mk add theirs).
MBEDTLS_OBJS := $(call obj,$(LIB_SRCS) $(TPORT_SRCS) $(CLI_SRCS) \
                           $(THELP_SRCS) $(UNIT_SRCS) $(TOOL_SRCS))
$(MBEDTLS_OBJS): $(MBEDTLS_DEPS)

# A BUILD folder compiled against one mbedTLS and then asked for another
# (MBEDTLS=debian after the default, a new MBEDTLS_PREFIX) recompiles
# everything: the dependency files name the old headers, which have not
# changed, and objects of two mbedTLS versions must not meet in one link.
# $(BUILD)/mbedtls.id records the choice; it is rewritten (and so newer
# than the objects) only when the choice changes.
MBEDTLS_ID := $(or $(MBEDTLS_PREFIX),debian:/usr)
$(BUILD)/mbedtls.id: FORCE
	@mkdir -p $(dir $@)
	@if [ "$$(cat $@ 2>/dev/null)" != '$(MBEDTLS_ID)' ]; then \
	     printf '%s\n' '$(MBEDTLS_ID)' >$@; fi

# Debian's 2.28 through the steps of `make test` that depend on mbedTLS:
# every test binary and tool with -Werror, the README example through
# pkg-config, the unit tests, then the integration suites (TLS and e2e
# first; the e2e suite checks that TLS 1.2 is negotiated with 2.28, as it
# checks 1.3 with 3.6). MBEDTLS228_SUITES="tls e2e" narrows the suites.
MBEDTLS228_BUILD  ?= build/mbedtls228
MBEDTLS228_SUITES ?=
MBEDTLS228_MAKE = $(MAKE) --no-print-directory MBEDTLS=debian MBEDTLS_PREFIX= \
                  BUILD=$(MBEDTLS228_BUILD)

test-mbedtls228: deps
	@tests/rucio-server/venv.sh
	@start=$$(date +%s); \
	 $(MBEDTLS228_MAKE) CFLAGS="$(CFLAGS) -Werror" tests && \
	 $(MBEDTLS228_MAKE) check-readme && \
	 $(MBEDTLS228_MAKE) unit-test && \
	 SUITES='$(MBEDTLS228_SUITES)' tools/run-suites.sh $(MBEDTLS228_BUILD) && \
	 echo "PASS  mbedTLS 2.28 (Debian): unit tests and integration suites in $$(( $$(date +%s) - start )) s"
