# make size: regenerate docs/footprint.md, rucio-lite's footprint on the
# Cortex-M4 of the firmware (issue 7): library code per layer for three
# profiles, sizeof of the public structs, the firmware image (flash, RAM,
# mbedTLS's share), stack per public call and mbedTLS pool high-water.
#
#   make size                 everything, about a minute: compiles the
#                             library three times for the M4, and runs
#                             fw-rucio-test twice (the Rucio server starts
#                             each time): the firmware with 4 KiB TLS
#                             records, then a variant with 16 KiB records
#   make size SIZE_QEMU=0     no QEMU run: the console logs of the last runs
#                             (in $(FW_BUILD) and $(SIZE_FW16)) when present;
#                             the image is linked (fw-rucio, with the CA of
#                             the firmware's test PKI) when it is missing
#
# tools/size-report.py does the measuring and writes the document; this
# file gives it the compiler, the flags and each profile's sources. The
# flags are the firmware's (mk/firmware.mk: FW_ARCH, the firmware mbedTLS's
# headers and configuration, jsmn through FW_BUILD's link folder), not the
# host's ALL_CFLAGS: -Os for the M4 is what the figures are about. -Werror
# is left out on purpose: a warning is for the build to catch, not a
# reason to leave the footprint unmeasured.

SIZE_DIR   := $(BUILD)/size
SIZE_DOC   ?= docs/footprint.md
SIZE_QEMU  ?= 1
# The 16 KiB-record variant: its own firmware folder, a pool that holds
# 16 KiB records, and RAM beyond the firmware's 64 KiB (measurement only).
SIZE_FW16      := $(SIZE_DIR)/fw16
SIZE_FW16_RAM  ?= 256K
SIZE_FW16_POOL ?= 98304
SIZE_FW16_LD   := $(SIZE_DIR)/mps2_an386_ram$(SIZE_FW16_RAM).ld

SIZE_CFLAGS   = -std=c11 $(WARN) -Os $(FW_ARCH) -ffunction-sections -fdata-sections
SIZE_CPPFLAGS = -Iinclude -Isrc -Iport -Ifirmware -isystem $(FW_MBEDTLS)/include \
                -isystem $(FW_BUILD)/jsmn $(FW_DEFS)

# The profiles: name, RUCIO_USER_CONFIG_FILE (none: every feature on) and
# MBEDTLS_CONFIG_FILE. The full profile is compiled against mbedTLS's own
# default configuration (the headers of the same build, which has TLS 1.3,
# file I/O and the rest), so that no rucio-lite code behind an mbedTLS
# option is left out of its figure; the others against the firmware's.
size_config_full     :=
size_config_firmware := firmware/rucio_config_fw.h
size_config_off      := tests/config/minimal.h
size_mbedtls_full     :=
size_mbedtls_firmware := mbedtls_config_fw.h
size_mbedtls_off      := mbedtls_config_fw.h
size_cpp = $(SIZE_CPPFLAGS) \
    $(if $(size_config_$(1)),'-DRUCIO_USER_CONFIG_FILE="$(CURDIR)/$(size_config_$(1))"') \
    $(if $(size_mbedtls_$(1)),'-DMBEDTLS_CONFIG_FILE="$(size_mbedtls_$(1))"')
# Expanded only when the recipe runs: the preprocessor is not asked at
# every make invocation. The sources are the Makefile's choice
# (rl_features, rl_lib_srcs), the same as a build of that profile.
size_features = $(call rl_features,$(FW_CC) $(call size_cpp,$(1)))
size_profile = --profile $(1) '$(size_config_$(1))' '$(size_mbedtls_$(1))' \
    '$(call size_features,$(1))' '$(call rl_lib_srcs,$(call size_features,$(1)))'

.PHONY: size size-qemu

size: $(FW_MBEDTLS_STAMP) $(FW_BUILD)/jsmn/jsmn.h $(if $(filter 1,$(SIZE_QEMU)),size-qemu)
	@mkdir -p $(SIZE_DIR)
	@$(if $(wildcard $(FW_BUILD)/rucio_proof.map),,$(MAKE) --no-print-directory $(FW_CA) && \
	    $(MAKE) --no-print-directory fw-rucio)
	@tools/size-report.py --out $(SIZE_DOC) --work $(SIZE_DIR) --cc $(FW_CC) --nm $(FW_CROSS)nm \
	    --cflags '$(SIZE_CFLAGS)' --cppflags "$(subst ",\",$(SIZE_CPPFLAGS))" \
	    $(call size_profile,full) $(call size_profile,firmware) $(call size_profile,off) \
	    --image-map $(FW_BUILD)/rucio_proof.map \
	    --console $(FW_BUILD)/rucio-test/console.txt --test-log $(SIZE_DIR)/fw-rucio-test.log \
	    --console16 $(SIZE_FW16)/rucio-test/console.txt \
	    --test-log16 $(SIZE_DIR)/fw-rucio-test-16k.log \
	    --fw16-ram $(SIZE_FW16_RAM) --fw16-pool $(SIZE_FW16_POOL)

# Both QEMU runs start the real Rucio server (tests/firmware/fw-rucio-test.sh)
# and check what they print, stack limits included. A failing run does not
# stop make size: its figures are then missing or marked in the document,
# and the run's own result is shown here.
size-qemu: $(SIZE_FW16_LD) $(FW_MBEDTLS_STAMP) $(FW_BUILD)/jsmn/jsmn.h
	@mkdir -p $(SIZE_DIR)
	@echo "size: fw-rucio-test (4 KiB records), log $(SIZE_DIR)/fw-rucio-test.log"
	@$(MAKE) --no-print-directory fw-rucio-test > $(SIZE_DIR)/fw-rucio-test.log 2>&1 || \
	    echo "size: WARNING: fw-rucio-test failed"; \
	    grep -E '^(FAIL|firmware-rucio:)' $(SIZE_DIR)/fw-rucio-test.log || true
	@echo "size: fw-rucio-test (16 KiB records, RAM $(SIZE_FW16_RAM)), log $(SIZE_DIR)/fw-rucio-test-16k.log"
	@$(MAKE) --no-print-directory fw-rucio-test FW_BUILD=$(SIZE_FW16) FW_RECORD=16384 \
	    FW_POOL=$(SIZE_FW16_POOL) \
	    'FW_LDFLAGS=$(subst firmware/board/mps2_an386.ld,$(SIZE_FW16_LD),$(FW_LDFLAGS))' \
	    > $(SIZE_DIR)/fw-rucio-test-16k.log 2>&1 || \
	    echo "size: WARNING: fw-rucio-test with 16 KiB records failed"; \
	    grep -E '^(FAIL|firmware-rucio:)' $(SIZE_DIR)/fw-rucio-test-16k.log || true

# The firmware's linker script with a larger RAM region, for the 16 KiB
# measurement only (the board has 4 MB of SRAM at 0x20000000).
$(SIZE_FW16_LD): firmware/board/mps2_an386.ld
	@mkdir -p $(dir $@)
	@sed 's/^\( *RAM *([^)]*) *: *ORIGIN = 0x20000000, LENGTH = \)64K/\1$(SIZE_FW16_RAM)/' \
	    $< > $@.tmp
	@grep -q 'LENGTH = $(SIZE_FW16_RAM)' $@.tmp || \
	    { echo "size: cannot set the RAM region in $<" >&2; exit 1; }
	@mv $@.tmp $@
