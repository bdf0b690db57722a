# Fuzzing (issue 8 item 10): libFuzzer targets under tests/fuzz/, built with
# Debian's clang under ASan+UBSan from the library sources themselves.
#
#   make fuzz            build every target, run each FUZZ_SECONDS (60)
#   make fuzz-smoke      the same for FUZZ_SMOKE_SECONDS (15): the CI gate
#   make fuzz-build      only build them ($(BUILD)/fuzz/fuzz_<name>)
#   FUZZ_TARGETS="json url" narrows any of them to some targets;
#   FUZZ_RUNS=N stops each target after N executions (the long run of
#   docs/testing.md), FUZZ_MAX_LEN=N bounds the input size.
#
# Each run starts from the seed corpus tests/fuzz/corpus/<name>/, copied
# into a work corpus under $(BUILD)/fuzz/work/ (the tree is never written);
# crashes land in $(BUILD)/fuzz/artifacts/<name>/. Needs clang and its
# runtime (Debian 12: clang, libclang-rt-14-dev). docs/testing.md,
# "Fuzzing", has the long run and how to reproduce a crash.

FUZZ_CC             ?= clang
FUZZ_SECONDS        ?= 60
FUZZ_SMOKE_SECONDS  ?= 15
FUZZ_TARGETS        ?=
FUZZ_RUNS           ?=
FUZZ_MAX_LEN        ?=
FUZZ_DIR            := $(BUILD)/fuzz

FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   := $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer \
                 -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_CPPFLAGS := $(ALL_CPPFLAGS) -Itests/fuzz/support

FUZZ_SRCS     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SUP_SRCS := $(sort $(wildcard tests/fuzz/support/*.c))
FUZZ_LIB_SRCS := $(LIB_SRCS)
FUZZ_NAMES    := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZ_BINS     := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))
FUZZ_LIB      := $(FUZZ_DIR)/librucio_fuzz.a

fuzz_obj = $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(1))

# The mbedTLS of the build (MBEDTLS=, Makefile): its headers through
# ALL_CPPFLAGS, its libraries through LDLIBS; the static 3.6 archives,
# built by gcc, link into clang's libFuzzer binaries as they are.
$(call fuzz_obj,$(FUZZ_SRCS) $(FUZZ_SUP_SRCS) $(FUZZ_LIB_SRCS)): $(MBEDTLS_DEPS)

.PHONY: fuzz fuzz-smoke fuzz-build

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_RUNS="$(FUZZ_RUNS)" \
	    FUZZ_MAX_LEN="$(FUZZ_MAX_LEN)" tests/fuzz/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	@FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_RUNS="$(FUZZ_RUNS)" \
	    FUZZ_MAX_LEN="$(FUZZ_MAX_LEN)" tests/fuzz/fuzz.sh $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_LIB): $(call fuzz_obj,$(FUZZ_LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o \
                    $(call fuzz_obj,$(FUZZ_SUP_SRCS)) $(FUZZ_LIB)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $^ $(LDLIBS) -o $@

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
