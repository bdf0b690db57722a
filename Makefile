# rucio-lite build.
#
#   make                 library build/librucio.a and the CLI build/rucio-lite
#   make test            every test (installs what is missing first)
#   make gates           sanitizers, valgrind, fuzz smoke, static analysis,
#                        coverage (what CI runs after make test)
#   make demo            the real Rucio server, asked for signed URLs
#   make deps            install missing Debian packages (or say which)
#   make mbedtls36       mbedTLS 3.6 from Debian 13's source, for MBEDTLS_PREFIX
#   make install PREFIX=/usr/local DESTDIR=   (make uninstall: the same args)
#
# Sources are found by folder, so a new file in a layer needs no edit here.
# BUILD= puts every output in another folder (parallel or variant builds).
#
# An integrator's build (docs/porting.md):
#   PORT=posix           the port compiled into librucio.a: port/$(PORT)/
#                        (PORT=none: the integrator links a port of their own)
#   CROSS=arm-none-eabi- prefix of the compiler and archiver (or CC=, AR=)
#   CPPFLAGS=, CFLAGS=, LDFLAGS= on the command line add to the project's own
#   MBEDTLS_PREFIX=dir   another mbedTLS than Debian's (include/, lib/)

# make SANITIZE=1: ASan+UBSan objects in a folder of their own (mk/sanitize.mk).
ifeq ($(SANITIZE),1)
BUILD   ?= build/asan
endif
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
PORT    ?= posix
CROSS   ?=
# make's built-in defaults (cc, ar) give way to the cross prefix; a CC or
# AR given by the caller is kept as it is.
ifneq ($(CROSS),)
ifeq ($(origin CC),default)
CC := $(CROSS)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS)ar
endif
endif

# The one place the version lives is include/rucio/client.h.
VERSION := $(shell sed -n 's/^\#define RUCIO_LITE_VERSION "\([^"]*\)"/\1/p' \
                     include/rucio/client.h)

CSTD     := -std=c11
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wvla \
            -Wconversion -Wsign-conversion -Wundef -Wformat=2
OPT      ?= -O2 -g
DEPFLAGS  = -MMD -MP

# mbedTLS: the Debian package by default. MBEDTLS_PREFIX points at another
# installation (for example the 3.6 build of `make mbedtls36`).
MBEDTLS_PREFIX ?=
ifneq ($(MBEDTLS_PREFIX),)
MBEDTLS_CPPFLAGS := -I$(MBEDTLS_PREFIX)/include
MBEDTLS_LIBS     := $(MBEDTLS_PREFIX)/lib/libmbedtls.a \
                    $(MBEDTLS_PREFIX)/lib/libmbedx509.a \
                    $(MBEDTLS_PREFIX)/lib/libmbedcrypto.a
else
MBEDTLS_CPPFLAGS :=
MBEDTLS_LIBS     := -lmbedtls -lmbedx509 -lmbedcrypto
endif

# The project's own flags live here; CPPFLAGS, CFLAGS and LDFLAGS (from
# the command line or the environment) come after them and add to them.
RL_CPPFLAGS := -Iinclude -Isrc -Iport $(MBEDTLS_CPPFLAGS)
ALL_CPPFLAGS = $(RL_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) $(CFLAGS)

PORT_SRCS := $(if $(filter none,$(PORT)),,$(wildcard port/$(PORT)/*.c))
ifeq ($(PORT_SRCS)$(filter none,$(PORT)),)
$(error PORT=$(PORT): no port/$(PORT)/*.c (ports: $(notdir $(wildcard port/*)), or none))
endif
LIB_SRCS  := $(sort $(wildcard src/core/*.c src/http/*.c src/tls/*.c \
                     src/json/*.c src/rucio/*.c) $(PORT_SRCS))
TPORT_SRCS := $(sort $(wildcard port/test/*.c))
CLI_SRCS  := $(sort $(wildcard src/cli/*.c))
THELP_SRCS := $(sort $(wildcard tests/unit/helpers/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB       := $(BUILD)/librucio.a
TPORT_LIB := $(BUILD)/librucio_testport.a
CLI       := $(BUILD)/rucio-lite
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))
PC        := $(BUILD)/rucio.pc

LDLIBS := $(MBEDTLS_LIBS)
CMOCKA_LIBS := -lcmocka

.PHONY: all lib cli tests test gates unit-test integration-test deps demo \
        install uninstall clean check-heap check-clang check-configs check-readme firmware-test FORCE mbedtls36

all: $(LIB) $(CLI) $(PC)

# Test and tool objects are intermediates of pattern rules; keep them, or
# every make invocation deletes and recompiles them.
.SECONDARY:

lib: $(LIB)
cli: $(CLI)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(LIB): $(call obj,$(LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(TPORT_LIB): $(call obj,$(TPORT_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# Symbols bound at start (-z now): lazy binding runs the dynamic linker
# on the stack of the first call to each function, which kept a copy of
# the password there after main had wiped its own.
CLI_LDFLAGS := -Wl,-z,relro,-z,now

$(CLI): $(call obj,$(CLI_SRCS)) $(LIB)
	$(CC) $(ALL_CFLAGS) $(CLI_LDFLAGS) $(LDFLAGS) $(call obj,$(CLI_SRCS)) $(LIB) $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(call obj,$(THELP_SRCS)) $(TPORT_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(call obj,$(THELP_SRCS)) $(TPORT_LIB) $(LIB) \
	    $(CMOCKA_LIBS) $(LDLIBS) -o $@

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(TPORT_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(TPORT_LIB) $(LIB) $(LDLIBS) -o $@

# Rewritten every time: it records PREFIX, which may differ per command,
# and the mbedTLS this build used (its headers are included by ours).
PC_MBEDTLS_CFLAGS := $(MBEDTLS_CPPFLAGS)
PC_MBEDTLS_LIBS := $(if $(MBEDTLS_PREFIX),-L$(MBEDTLS_PREFIX)/lib) \
                   -lmbedtls -lmbedx509 -lmbedcrypto
$(PC): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' \
	    'includedir=$${prefix}/include' '' 'Name: rucio' \
	    'Description: Embedded Rucio client (signed URLs) over HTTP/1.1 and mbedTLS' \
	    'Version: $(VERSION)' \
	    'Cflags: $(strip -I$${includedir} $(PC_MBEDTLS_CFLAGS))' \
	    'Libs: -L$${libdir} -lrucio' \
	    'Libs.private: $(strip $(PC_MBEDTLS_LIBS))' > $@

tests: $(UNIT_BINS) $(TOOL_BINS) $(CLI)

# `make test` is the README's test command and what .ci/run calls.
# The venv with the real Rucio package comes first: the unit tests use its
# Python client to check token-cache interoperability.
test: deps
	@tests/rucio-server/venv.sh
	$(MAKE) --no-print-directory CFLAGS="$(CFLAGS) -Werror" tests
	$(MAKE) --no-print-directory check-heap
	$(MAKE) --no-print-directory check-clang
	$(MAKE) --no-print-directory check-configs
	$(MAKE) --no-print-directory check-readme
	$(MAKE) --no-print-directory unit-test
	$(MAKE) --no-print-directory integration-test
	$(MAKE) --no-print-directory firmware-test

# The firmware on an emulated Cortex-M4 (mk/firmware.mk): the modem port
# on the host, the TLS image against a local server, and librucio's image
# against the real Rucio server, its three signed URLs verified.
firmware-test:
	$(MAKE) --no-print-directory fw-test
	$(MAKE) --no-print-directory fw-rucio-test

# The standing gates CI runs after `make test` (docs/testing.md): each
# prints its own PASS/FAIL lines and stops the run on failure.
gates:
	$(MAKE) --no-print-directory test SANITIZE=1
	$(MAKE) --no-print-directory test-valgrind
	$(MAKE) --no-print-directory fuzz-smoke
	$(MAKE) --no-print-directory analyze
	$(MAKE) --no-print-directory coverage

unit-test: $(UNIT_BINS)
	@tools/run-unit-tests.sh $(UNIT_BINS)

integration-test: $(TOOL_BINS) $(CLI)
	@tools/run-suites.sh $(BUILD)

# The library must never allocate and keeps no global mutable state:
# no heap function referenced, no .data or .bss (mbedTLS, linked later,
# allocates on its own).
check-heap: $(LIB) $(TPORT_LIB)
	@tools/check-heap.sh $(LIB)
	@tools/check-heap.sh $(TPORT_LIB)

# Other configurations build warning-free too: a user config file with
# every optional feature off and small sizes (tests/config/minimal.h).
check-configs:
	@mkdir -p $(BUILD)
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/cfg-minimal \
	    CPPFLAGS='-DRUCIO_USER_CONFIG_FILE=\"$(CURDIR)/tests/config/minimal.h\"' \
	    CFLAGS=-Werror lib >$(BUILD)/cfg-minimal.log 2>&1 \
	    && echo "PASS  minimal configuration builds without warnings" \
	    || { tail -n 30 $(BUILD)/cfg-minimal.log; echo "FAIL  minimal configuration"; exit 1; }

# The README's C example, compiled with pkg-config against an installed
# copy and run unconfigured (it must fail clearly, not silently).
check-readme: $(LIB) $(CLI) $(PC)
	@EXAMPLE_CFLAGS="$(filter -fsanitize% -fno-sanitize%,$(ALL_CFLAGS))" \
	    tools/check-readme-example.sh $(BUILD)

# Warning-free with clang as well as gcc (the main build is gcc's).
check-clang:
	@mkdir -p $(BUILD)
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/clang CC=clang \
	    CFLAGS=-Werror all tests >$(BUILD)/clang-build.log 2>&1 \
	    && echo "PASS  clang build without warnings" \
	    || { tail -n 30 $(BUILD)/clang-build.log; echo "FAIL  clang build"; exit 1; }

deps:
	@tools/deps.sh

# Built into $(BUILD)/mbedtls36/prefix, never committed (docs/testing.md).
mbedtls36:
	@CC="$(CC)" tools/mbedtls36.sh $(BUILD)

demo: deps
	$(MAKE) --no-print-directory all
	@tests/rucio-server/demo.sh $(BUILD)

MAN1 := $(DESTDIR)$(PREFIX)/share/man/man1

install: $(LIB) $(CLI) $(PC)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include/rucio $(DESTDIR)$(PREFIX)/bin $(MAN1)
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(PC) $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 644 include/rucio/*.h $(DESTDIR)$(PREFIX)/include/rucio/
	install -m 755 $(CLI) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/rucio-lite.1 $(MAN1)/

# Everything install put there, and the folders it made if now empty.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/lib/librucio.a \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig/rucio.pc \
	    $(DESTDIR)$(PREFIX)/bin/rucio-lite $(MAN1)/rucio-lite.1 \
	    $(addprefix $(DESTDIR)$(PREFIX)/include/rucio/,$(notdir $(wildcard include/rucio/*.h)))
	-rmdir $(DESTDIR)$(PREFIX)/include/rucio 2>/dev/null

clean:
	rm -rf $(BUILD)

FORCE:

# Optional parts of the build, one fragment each (fuzzing, coverage,
# static analysis, sanitizers): mk/*.mk.
include $(sort $(wildcard mk/*.mk))

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
