# rucio-lite build.
#
#   make                 library build/librucio.a and the CLI build/rucio-lite
#   make test            every test (installs what is missing first)
#   make gates           sanitizers, valgrind, fuzz smoke, static analysis,
#                        coverage (what CI runs after make test)
#   make demo            the real Rucio server, asked for signed URLs
#   make size            docs/footprint.md: footprint on a Cortex-M4 (mk/size.mk)
#   make deps            install missing Debian packages (or say which)
#   make mbedtls36       mbedTLS 3.6 from Debian 13's source (the default mbedTLS)
#   make test-mbedtls228 the tests against Debian's mbedTLS 2.28 (CI runs it)
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
#   MBEDTLS=3.6|debian   3.6 built into build/mbedtls36 (default) or Debian's
#                        2.28; MBEDTLS_PREFIX=dir any other install (wins)

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

# mbedTLS (docs/testing.md, "mbedTLS versions"; rules in mk/mbedtls.mk):
#   MBEDTLS=3.6        the default: mbedTLS 3.6 LTS built from Debian 13's
#                      source package into build/mbedtls36/prefix, once,
#                      for every BUILD folder; make builds it when missing
#   MBEDTLS=debian     Debian's libmbedtls-dev package (2.28) from /usr
#   MBEDTLS_PREFIX=dir any other installation (include/, lib/); wins
# Its headers come in with -isystem, as /usr/include's would: our warning
# flags are for our code.
MBEDTLS        ?= 3.6
MBEDTLS_PREFIX ?=
MBEDTLS36_DIR  := $(CURDIR)/build/mbedtls36
MBEDTLS36_STAMP := $(MBEDTLS36_DIR)/prefix/.debian-version
ifeq ($(MBEDTLS_PREFIX),)
ifeq ($(MBEDTLS),3.6)
MBEDTLS_PREFIX := $(MBEDTLS36_DIR)/prefix
else ifneq ($(MBEDTLS),debian)
$(error MBEDTLS=$(MBEDTLS): use MBEDTLS=3.6 (default), MBEDTLS=debian or MBEDTLS_PREFIX=dir)
endif
endif
ifneq ($(MBEDTLS_PREFIX),)
override MBEDTLS_PREFIX := $(abspath $(MBEDTLS_PREFIX))
MBEDTLS_CPPFLAGS := -isystem $(MBEDTLS_PREFIX)/include
MBEDTLS_LIBS     := $(MBEDTLS_PREFIX)/lib/libmbedtls.a \
                    $(MBEDTLS_PREFIX)/lib/libmbedx509.a \
                    $(MBEDTLS_PREFIX)/lib/libmbedcrypto.a
else
MBEDTLS_CPPFLAGS :=
MBEDTLS_LIBS     := -lmbedtls -lmbedx509 -lmbedcrypto
endif
# What every object compiled against it waits for (mk/mbedtls.mk): the
# record of the choice, and the 3.6 build when it is the one used.
MBEDTLS_DEPS = $(BUILD)/mbedtls.id \
    $(if $(filter $(MBEDTLS36_DIR)/prefix,$(MBEDTLS_PREFIX)),| $(MBEDTLS36_STAMP))

# The project's own flags live here; CPPFLAGS, CFLAGS and LDFLAGS (from
# the command line or the environment) come after them and add to them.
# jsmn.h is Debian's (libjsmn-dev), in /usr/include, which a cross
# compiler does not search: a cross build gets a folder holding only a
# link to it. JSMN_DIR=dir names another folder with jsmn.h.
ifneq ($(CROSS),)
JSMN_DIR ?= $(BUILD)/jsmn
endif
JSMN_LINK := $(if $(filter $(BUILD)/jsmn,$(JSMN_DIR)),$(BUILD)/jsmn/jsmn.h)

RL_CPPFLAGS := -Iinclude -Isrc -Iport $(MBEDTLS_CPPFLAGS) \
               $(if $(JSMN_DIR),-isystem $(JSMN_DIR))
ALL_CPPFLAGS = $(RL_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) $(CFLAGS)

PORT_SRCS := $(if $(filter none,$(PORT)),,$(wildcard port/$(PORT)/*.c))
ifeq ($(PORT_SRCS)$(filter none,$(PORT)),)
$(error PORT=$(PORT): no port/$(PORT)/*.c (ports: $(notdir $(wildcard port/*)), or none))
endif
# The feature switches of the configuration being built, as
# include/rucio/build_config.h resolves them with the caller's
# RUCIO_USER_CONFIG_FILE: "TLS=1 LOG=1 ... ENV=1". $(1) is the compiler
# with its preprocessor flags.
rl_features = $(shell printf '\043include "rucio/build_config.h"\nRUCIO_FEATURE_LIST_\n' \
                | $(1) -E -P -x c - 2>/dev/null | tail -n 1)
# The library files of the features that $(1) (a feature list) leaves out:
# they are not compiled at all (each also compiles to nothing on its own,
# for build systems that take every file).
rl_off = $(if $(filter $(1)=0,$(2)),$(3))
rl_left_out = $(call rl_off,TLS,$(1),$(wildcard src/tls/*.c)) \
    $(call rl_off,TRANSFER,$(1),src/client/transfer.c src/core/checksum.c \
                                   src/client/catalog.c src/client/upload.c \
                                   src/client/download.c) \
    $(call rl_off,LOG,$(1),src/core/log.c) \
    $(call rl_off,USERPASS,$(1),src/client/auth_userpass.c src/core/latin1.c) \
    $(call rl_off,SSH,$(1),src/client/auth_ssh.c src/client/ssh_sign.c) \
    $(call rl_off,OIDC,$(1),src/client/auth_oidc.c) \
    $(call rl_off,FILES,$(1),src/client/ini.c src/client/path.c \
                                src/client/token_cache.c) \
    $(if $(filter FILES=0,$(1)),$(call rl_off,OIDC,$(1),src/client/pyspace.c))
rl_lib_srcs = $(filter-out $(call rl_left_out,$(1)), \
    $(sort $(wildcard src/core/*.c src/http/*.c src/tls/*.c src/json/*.c \
                      src/client/*.c)))

RL_FEATURES := $(call rl_features,$(CC) $(ALL_CPPFLAGS))
LIB_SRCS  := $(call rl_lib_srcs,$(RL_FEATURES)) $(PORT_SRCS)
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

# An http-only build links no mbedTLS at all.
LDLIBS := $(if $(filter TLS=0,$(RL_FEATURES)),,$(MBEDTLS_LIBS))
CMOCKA_LIBS := -lcmocka

.PHONY: all lib cli tests test gates unit-test integration-test deps demo \
        install uninstall clean check-heap check-clang check-configs profile-test check-readme firmware-test FORCE mbedtls36

all: $(LIB) $(CLI) $(PC)

# Test and tool objects are intermediates of pattern rules; keep them, or
# every make invocation deletes and recompiles them.
.SECONDARY:

lib: $(LIB)
cli: $(CLI)

$(BUILD)/obj/%.o: %.c | $(JSMN_LINK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/jsmn/jsmn.h:
	@mkdir -p $(dir $@)
	@ln -sf /usr/include/jsmn.h $@

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
PC_MBEDTLS_CFLAGS := $(if $(MBEDTLS_PREFIX),-I$(MBEDTLS_PREFIX)/include)
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
# allocates on its own); and it defines no global symbol that is neither
# public nor rl_-prefixed.
check-heap: $(LIB) $(TPORT_LIB) $(CLI)
	@tools/check-heap.sh $(LIB)
	@tools/check-heap.sh $(TPORT_LIB)
	@tools/check-symbols.sh $(LIB) $(call obj,$(CLI_SRCS))

# Other configurations than the default, each built warning-free and
# tested: every optional feature off (tests/config/minimal.h) and the
# firmware profile on the host (firmware/rucio_config_fw.h; its image also
# runs in QEMU in firmware-test). They run the unit tests that take any
# configuration: the layers below the client, and test_features, which
# checks every switch either way (docs/porting.md, "Feature switches").
PROFILES := minimal:tests/config/minimal.h firmware:firmware/rucio_config_fw.h
PROFILE_TESTS := test_chunked test_conn test_connect_error test_cov_json \
    test_errors test_json test_port_script test_query test_request test_url \
    test_features

check-configs:
	@mkdir -p $(BUILD)
	@for p in $(PROFILES); do name=$${p%%:*}; file=$${p#*:}; \
	    log=$(BUILD)/cfg-$$name.log; \
	    if $(MAKE) --no-print-directory BUILD=$(BUILD)/cfg-$$name \
	        CPPFLAGS="$(CPPFLAGS) -DRUCIO_USER_CONFIG_FILE=\\\"$(CURDIR)/$$file\\\"" \
	        CFLAGS="$(CFLAGS) -Werror" profile-test >$$log 2>&1; then \
	        echo "PASS  $$name configuration ($$file): built without" \
	             "warnings, $$(grep -c '^PASS' $$log) unit test programs passed"; \
	    else tail -n 30 $$log; echo "FAIL  $$name configuration ($$log)"; exit 1; fi; \
	done

profile-test: $(addprefix $(BUILD)/tests/,$(PROFILE_TESTS))
	@tools/run-unit-tests.sh $^

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

# mbedTLS 3.6 into build/mbedtls36/prefix (MBEDTLS36_DIR), never
# committed; test-mbedtls228 runs the tests against Debian's 2.28.
# Both in mk/mbedtls.mk.

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
