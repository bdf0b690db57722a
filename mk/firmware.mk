# rucio-lite firmware for an emulated Cortex-M4 (issue 7): QEMU's mps2-an386
# board, the modem port (port/modem/) and mbedTLS built for the firmware.
#
#   make fw-deps        gcc-arm-none-eabi, newlib-nano, qemu-system-arm (as root)
#   make fw-mbedtls     mbedTLS 3.6 (Debian 13 source) for Cortex-M4 with
#                       firmware/mbedtls_config_fw.h, into $(FW_BUILD)/mbedtls
#   make fw             the firmware image $(FW_BUILD)/tls_proof.elf
#   make fw-test        host test of the modem port, then the image in QEMU
#                       through the relay to a local TLS server
#   make fw-size        .text/.data/.bss of each layer of the image
#   make fw-rucio FW_RUCIO_CA=<server workdir>/pki/ca.pem
#                       the image with librucio ($(FW_BUILD)/rucio_proof.elf)
#                       for the real Rucio server of tests/rucio-server
#   make fw-rucio-test  start that server, build the image for it, run it in
#                       QEMU and verify the three signed URLs it prints
#
# FW_RECORD=4096|16384: TLS record buffers (4096 needs a server that honours
# the maximum fragment length extension). FW_POOL and FW_STACK: sizes of the
# mbedTLS pool and the stack in bytes. Everything goes to $(FW_BUILD).
# docs/porting.md, "The modem port and the firmware build", explains it.

FW_BUILD   ?= $(BUILD)/firmware
FW_CROSS   ?= arm-none-eabi-
FW_RECORD  ?= 4096
FW_POOL    ?= 24576
FW_STACK   ?= 8192
FW_MBEDTLS := $(FW_BUILD)/mbedtls
FW_MBEDTLS_STAMP := $(FW_MBEDTLS)/stamp
FW_CA      ?= $(FW_BUILD)/pki/ca.pem

FW_CC      := $(FW_CROSS)gcc
FW_ARCH    := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
FW_DEFS    := -DFW_SSL_CONTENT_LEN=$(FW_RECORD)
FW_CFLAGS  := -std=c11 $(WARN) -Werror -Os -g $(FW_ARCH) -ffunction-sections \
              -fdata-sections -Iinclude -Isrc -Iport -Ifirmware \
              -isystem $(FW_MBEDTLS)/include -isystem $(FW_BUILD)/jsmn \
              '-DRUCIO_USER_CONFIG_FILE="rucio_config_fw.h"' \
              '-DMBEDTLS_CONFIG_FILE="mbedtls_config_fw.h"' $(FW_DEFS) \
              -DFW_POOL_SIZE=$(FW_POOL)
FW_LDFLAGS := $(FW_ARCH) --specs=nano.specs -nostartfiles \
              -T firmware/board/mps2_an386.ld -Wl,--gc-sections \
              -Wl,--defsym=__stack_size=$(FW_STACK)
FW_LIBS    := $(FW_MBEDTLS)/lib/libmbedtls.a $(FW_MBEDTLS)/lib/libmbedx509.a \
              $(FW_MBEDTLS)/lib/libmbedcrypto.a -lc -lgcc

FW_BOARD_SRCS := $(sort $(wildcard firmware/board/*.c))
FW_CORE_SRCS  := firmware/fw_common.c firmware/fw_mbedtls.c firmware/nvseed.c
FW_MODEM_SRCS := $(sort $(wildcard port/modem/*.c))
FW_PROOF_SRCS := firmware/tls_proof.c src/core/ascii.c src/core/status.c \
                 src/core/strbuf.c $(sort $(wildcard src/tls/*.c))

fw_obj = $(patsubst %.c,$(FW_BUILD)/obj/%.o,$(1))
FW_PROOF_OBJS := $(call fw_obj,$(FW_BOARD_SRCS) $(FW_CORE_SRCS) $(FW_MODEM_SRCS) \
                 $(FW_PROOF_SRCS)) $(FW_BUILD)/obj/fw_ca.o
FW_IMAGE := $(FW_BUILD)/tls_proof.elf

# librucio's layers, compiled for the M4 with the firmware's sizes
# (firmware/rucio_config_fw.h); port/posix/ is left out, port/modem/ is in.
FW_FEATURES := $(call rl_features,$(FW_CC) $(FW_CFLAGS))
FW_LIB_SRCS := $(call rl_lib_srcs,$(FW_FEATURES))
FW_RUCIO_CA       ?= $(FW_CA)
FW_RUCIO_ACCOUNT  ?= signer
FW_RUCIO_USER     ?= signer
FW_RUCIO_PASSWORD ?= signerpw
FW_RUCIO_TOKEN    ?=
FW_RUCIO_OBJS := $(call fw_obj,$(FW_BOARD_SRCS) $(FW_CORE_SRCS) $(FW_MODEM_SRCS) \
                 firmware/rucio_proof.c $(FW_LIB_SRCS)) \
                 $(FW_BUILD)/obj/fw_rucio_ca.o $(FW_BUILD)/obj/fw_creds.o
FW_RUCIO_IMAGE := $(FW_BUILD)/rucio_proof.elf
FW_MODEM_HOST := $(FW_BUILD)/modem_host

.PHONY: fw fw-deps fw-mbedtls fw-test fw-modem-test fw-size fw-rucio \
        fw-rucio-test fw-force

fw-deps:
	@firmware/install-toolchain.sh

fw-mbedtls $(FW_MBEDTLS_STAMP): firmware/mbedtls_config_fw.h | fw-deps
	@firmware/mbedtls-fw.sh $(FW_MBEDTLS) firmware/mbedtls_config_fw.h $(FW_DEFS)

fw: $(FW_IMAGE)

# jsmn.h is Debian's (libjsmn-dev), in /usr/include, which the cross
# compiler does not search: a folder holding only a link to it.
$(FW_BUILD)/jsmn/jsmn.h:
	@mkdir -p $(dir $@)
	@ln -sf /usr/include/jsmn.h $@

$(FW_BUILD)/obj/%.o: %.c firmware/mbedtls_config_fw.h firmware/rucio_config_fw.h \
                     | $(FW_MBEDTLS_STAMP) $(FW_BUILD)/jsmn/jsmn.h
	@mkdir -p $(dir $@)
	$(FW_CC) $(FW_CFLAGS) -MMD -MP -c $< -o $@

-include $(wildcard $(FW_BUILD)/obj/*/*.d $(FW_BUILD)/obj/*/*/*.d)

# The test PKI of tests/tls (P-256 CA, server certificate for localhost and
# 127.0.0.1); its CA goes into the image's flash. Its certificates are valid
# for 30 days: made again (and the image with it) after 7.
FW_PKI_STALE := $(shell find $(FW_BUILD)/pki/ca.pem -mtime +7 2>/dev/null)
$(FW_BUILD)/pki/ca.pem: $(if $(FW_PKI_STALE),fw-force)
	@rm -rf $(FW_BUILD)/pki
	@tests/tls/pki.sh $(FW_BUILD)/pki >/dev/null

$(FW_BUILD)/obj/fw_ca.c: $(FW_CA) firmware/bin2c.py
	@mkdir -p $(dir $@)
	@firmware/bin2c.py $(FW_CA) fw_ca_pem $@

$(FW_BUILD)/obj/fw_ca.o: $(FW_BUILD)/obj/fw_ca.c
	$(FW_CC) $(FW_CFLAGS) -c $< -o $@

# The Rucio server's CA (it makes a new PKI each start) and the test
# account's credentials, in flash. Rebuilt on every fw-rucio: the server's
# CA changes with each start.
$(FW_BUILD)/obj/fw_rucio_ca.c: fw-force $(FW_RUCIO_CA)
	@mkdir -p $(dir $@)
	@firmware/bin2c.py $(FW_RUCIO_CA) fw_ca_pem $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(FW_BUILD)/obj/fw_creds.c: fw-force
	@mkdir -p $(dir $@)
	@printf '%s\n' '/* Generated by mk/firmware.mk: test credentials. */' \
	    'const char fw_rucio_account[] = "$(FW_RUCIO_ACCOUNT)";' \
	    'const char fw_rucio_user[] = "$(FW_RUCIO_USER)";' \
	    'const char fw_rucio_password[] = "$(FW_RUCIO_PASSWORD)";' \
	    'const char fw_rucio_token[] = "$(FW_RUCIO_TOKEN)";' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(FW_BUILD)/obj/fw_rucio_ca.o $(FW_BUILD)/obj/fw_creds.o: %.o: %.c
	$(FW_CC) $(FW_CFLAGS) -Wno-missing-variable-declarations -c $< -o $@

fw-rucio: $(FW_RUCIO_IMAGE)

$(FW_RUCIO_IMAGE): $(FW_RUCIO_OBJS) $(FW_MBEDTLS_STAMP) firmware/board/mps2_an386.ld
	$(FW_CC) $(FW_LDFLAGS) -Wl,-Map=$(FW_BUILD)/rucio_proof.map $(FW_RUCIO_OBJS) \
	    $(FW_LIBS) -o $@.tmp
	@firmware/provision-seed.py $@.tmp
	@mv $@.tmp $@
	@$(FW_CROSS)size $@

fw-rucio-test: fw-deps $(FW_BUILD)/jsmn/jsmn.h
	@tests/firmware/fw-rucio-test.sh $(FW_BUILD) "$(MAKE)" 'BUILD=$(BUILD)'

# Linked, then given its own NV seed (firmware/provision-seed.py).
$(FW_IMAGE): $(FW_PROOF_OBJS) $(FW_MBEDTLS_STAMP) firmware/board/mps2_an386.ld
	$(FW_CC) $(FW_LDFLAGS) -Wl,-Map=$(FW_BUILD)/tls_proof.map $(FW_PROOF_OBJS) \
	    $(FW_LIBS) -o $@.tmp
	@firmware/provision-seed.py $@.tmp
	@mv $@.tmp $@
	@$(FW_CROSS)size $@

# The link must fail when RAM is over 64 KiB: link once more with a stack
# that cannot fit and keep the linker's answer for fw-test.
$(FW_BUILD)/overflow-link.txt: $(FW_PROOF_OBJS) $(FW_MBEDTLS_STAMP)
	@if $(FW_CC) $(FW_LDFLAGS) -Wl,--defsym=__stack_size=65536 $(FW_PROOF_OBJS) \
	    $(FW_LIBS) -o $(FW_BUILD)/overflow.elf > $@ 2>&1; then \
	    echo "LINKED" >> $@; else echo "REFUSED" >> $@; fi
	@rm -f $(FW_BUILD)/overflow.elf

$(FW_MODEM_HOST): $(FW_MODEM_SRCS) tests/firmware/modem_host.c src/core/status.c \
                  port/modem/modem.h
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -Werror -O2 -g -Iinclude -Isrc -Iport \
	    $(FW_MODEM_SRCS) tests/firmware/modem_host.c src/core/status.c -o $@

fw-modem-test: $(FW_MODEM_HOST)
	@tests/firmware/modem-test.sh $(FW_MODEM_HOST) $(FW_BUILD)/modem-test

fw-test: fw-deps $(FW_MODEM_HOST) $(FW_IMAGE) $(FW_BUILD)/overflow-link.txt
	@tests/firmware/fw-test.sh $(FW_BUILD)

# Per layer, after --gc-sections, from the linker maps; the librucio image
# when it has been built (fw-rucio), else the TLS proof alone.
fw-size: $(FW_IMAGE)
	@tests/firmware/fw-size.py $(FW_BUILD)/tls_proof.map \
	    $(wildcard $(FW_BUILD)/rucio_proof.map)

fw-force:
