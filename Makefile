# myepoll top-level Makefile.
#
#   make            module + user-space programs (not the tracer)
#   make module     module/myepoll.ko for the running kernel, or for the headers in
#                   KDIR=; no kernel image, no BPF toolchain (BTF: scripts/module-btf.sh)
#   make install    the module, the uapi header, libmyepoll (header, .a, .so,
#                   myepoll.pc), the shim, a udev rule and a modules-load.d
#                   entry (DESTDIR=, PREFIX=/usr); make uninstall
#   make dkms-install  the module's sources and dkms.conf in /usr/src/myepoll-VERSION,
#                   for `dkms add/build/install myepoll/VERSION`
#   make lint       checkpatch --strict, clang-format, shellcheck (scripts/lint.sh)
#   make check      install what is missing, lint, build, run the suites in the test VM
#                   on the stock 6.1, 6.12 and RT 6.1 kernels, then on the debug kernel
#                   (scripts/check.sh; KERNELS="6.1 6.12" for a subset), and test DKMS
#                   and make install (scripts/dkms-test.sh)
#   make demo       boot the VM and run the Reactor demo on native epoll and on myepoll
#   make trace      boot the VM and trace workloads on both (tools/trace, BPF);
#                   TRACE_KERNEL=debug boots the debug kernel instead
#   make bench      boot the VM under -icount and benchmark select, poll, native epoll
#                   and myepoll, and Debian's redis and nginx natively and under the
#                   shim; tables, CSV and SVG in build/bench-results/
#                   (BENCH_TIMING=tcg for a plain-TCG pass; docs/performance.md)
#   make profile    boot the VM with a QEMU plugin counting guest instructions per
#                   kernel function in each wait of the bench's scaling rounds,
#                   native epoll beside myepoll (PROFILE_N=, PROFILE_K=;
#                   scripts/profile.sh, docs/performance.md)
#   make libmyepoll the C library over the ioctls (tools/libmyepoll): static and
#                   shared, myepoll.pc, its C test; in build/libmyepoll/
#   make shim       build/libmyepoll-shim.so, the LD_PRELOAD shim (tools/shim), and
#                   build/dyn/shim_check, its checks
#   make selftest   the shim + the kernel's epoll_wakeup_test.c, built from Debian's
#                   linux-source-6.1 (KSRC), dynamically linked, in build/dyn/
#   make kunit-modules  myepoll.ko + myepoll_kunit.ko (module/tests/) for the debug
#                   kernel (scripts/build-debug-kernel.sh), in build/debug-modules/
#   make kunit      boot the debug kernel and run the KUnit suites (suite "kunit")
#   make kernel-module KNAME=6.12|rt|6.1  myepoll.ko for another Debian kernel
#                   (scripts/kernels.sh), in build/kernels/<release>/module/
#   make format     clang-format the user-space sources in place
#   make clean
#
# KDIR: the headers `make module` and `make install` build against, the
# running kernel's by default.  The targets that boot the test VM (check,
# demo, trace, bench) build the module against VM_KDIR, the headers of the
# kernel it boots, KERNEL: Debian's 6.1 (KVER).

# KVER: the exact release, from the installed meta-packages
# (scripts/kernels.sh): a glob over /usr/src would also match the RT headers.
KVER     ?= $(shell bash scripts/kernels.sh release 6.1 2>/dev/null)
VM_KDIR  ?= /usr/src/linux-headers-$(KVER)
KERNEL   ?= /boot/vmlinuz-$(KVER)
KDIR     ?= /lib/modules/$(shell uname -r)/build
BUILD    := build

CXX      ?= g++
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++20 -Wall -Wextra -Werror -I$(CURDIR)/uapi -I$(CURDIR)/tools/libmyepoll/include \
	-I$(CURDIR)/tools/lib
LDFLAGS  += -static -pthread

# The C++ helpers the programs share (tools/lib: backends, RAII fds, loopback
# TCP, tables), over libmyepoll (tools/libmyepoll/libmyepoll.mk), the C
# library every user-space user of the module goes through.
LIB_SRCS  := $(wildcard tools/lib/*.cpp)
LIB_OBJS  := $(LIB_SRCS:%.cpp=$(BUILD)/%.o)
LIB       := $(BUILD)/libtools.a

TEST_SRCS := $(wildcard userspace-tests/*.cpp)
TEST_OBJS := $(TEST_SRCS:%.cpp=$(BUILD)/%.o)

DEMO_SRCS := $(wildcard tools/demo/*.cpp)
DEMO_OBJS := $(DEMO_SRCS:%.cpp=$(BUILD)/%.o)

# The reliability gauntlet (races, faults, fuzz, lifetime, leaks; docs/reliability.md).
GAUNTLET_SRCS := $(wildcard userspace-tests/gauntlet/*.cpp)
GAUNTLET_OBJS := $(GAUNTLET_SRCS:%.cpp=$(BUILD)/%.o)

# The hostile suite (scripts/suites/hostile.sh, docs/testing.md): a GoogleTest
# program of its own, with helpers of the differential suite and the gauntlet.
# gtest runs the cases in link order: the dma-buf case, which panics a
# module that polls a released file, links last so that it takes no other
# case down with it.
HOSTILE_LAST   := userspace-tests/hostile/dying_file_test.cpp
HOSTILE_SRCS   := $(filter-out $(HOSTILE_LAST),$(wildcard userspace-tests/hostile/*.cpp)) $(HOSTILE_LAST)
HOSTILE_OBJS   := $(HOSTILE_SRCS:%.cpp=$(BUILD)/%.o)
HOSTILE_SHARED := $(addprefix $(BUILD)/userspace-tests/,console_listener.o watchdog.o \
	child_process.o local_fds.o scenario.o run.o trace.o mutant_backend.o ring_relation.o ring_skips.o \
	gauntlet/calls.o gauntlet/format.o gauntlet/sysfs_file.o gauntlet/report.o)

# The tracer (tools/trace, docs/tracing.md): a CO-RE BPF program, its
# skeleton and vmlinux.h generated in build/trace-bpf/ (vmlinux.h from the
# stock kernel's BTF), and a static C++ program, build/trace.
TRACE_GEN  := $(BUILD)/trace-bpf
TRACE_SRCS := $(wildcard tools/trace/*.cpp)
TRACE_OBJS := $(TRACE_SRCS:%.cpp=$(BUILD)/%.o)
TRACE_KERNEL ?= stock

# The benchmarks (docs/performance.md).
BENCH_SRCS := $(wildcard tools/bench/*.cpp)
BENCH_OBJS := $(BENCH_SRCS:%.cpp=$(BUILD)/%.o)

# The profiler's QEMU plugin (make profile) runs on the host, inside QEMU:
# shared, not static.
TBPROF := $(BUILD)/tbprof.so

PROGRAMS  := $(BUILD)/differential $(BUILD)/demo $(BUILD)/gauntlet $(BUILD)/bench \
	$(BUILD)/hostile

# The LD_PRELOAD shim: position-independent objects of its own (build/pic/),
# libstdc++/libgcc linked in and hidden, so that the VM needs only glibc.
SHIM_SRCS := $(wildcard tools/shim/*.cpp)
SHIM_OBJS := $(SHIM_SRCS:%.cpp=$(BUILD)/pic/%.o)
SHIM      := $(BUILD)/libmyepoll-shim.so
# Its checks, run under the shim in the VM (dynamically linked, like any
# program LD_PRELOAD applies to).
SHIM_CHECK_SRCS := $(wildcard tools/shim/check/*.cpp)
SHIM_CHECK_OBJS := $(SHIM_CHECK_SRCS:%.cpp=$(BUILD)/%.o)
SHIM_CHECK      := $(BUILD)/dyn/shim_check

# The kernel's epoll selftest, compiled at test time from Debian's
# linux-source-6.1: the unpacked tree if there is one, else the three files it
# needs extracted from the package's tarball into build/.
EPOLL_TEST_REL := tools/testing/selftests/filesystems/epoll/epoll_wakeup_test.c
KSRC_TAR ?= /usr/src/linux-source-6.1.tar.xz
KSRC     ?= $(if $(wildcard /usr/src/linux-source-6.1/$(EPOLL_TEST_REL)),/usr/src/linux-source-6.1,$(BUILD)/linux-source-6.1)
SELFTEST := $(BUILD)/dyn/epoll_wakeup_test

.PHONY: all deps module userspace shim selftest check demo trace bench profile clean format lint \
	kunit-modules kunit install uninstall dkms-install kernel-module check-built
all: module userspace

deps:
	bash scripts/install-deps.sh

# The .ko gets its BTF (for fentry and tp_btf on it) when its kernel's BTF is
# at hand: scripts/module-btf.sh.
module:
	@test -f $(KDIR)/Makefile || { echo "make module: no kernel headers in $(KDIR):" \
		"install linux-headers-$$(uname -r), or pass KDIR=<headers directory>"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules
	@bash scripts/module-btf.sh $(KDIR) module/myepoll.ko

# The test VM's kernel: the module against its headers, then what a target boots.
VM_MODULE = $(MAKE) module KDIR=$(VM_KDIR)

# make install: where Debian keeps each file (bookworm): a locally built
# module in updates/ (depmod prefers it to the kernel's own), the uapi header
# beside the kernel's, the LD_PRELOAD shim in the multiarch library directory,
# the udev rule (scripts/dist/60-myepoll.rules: /dev/myepoll 0666) and the
# modules-load.d entry that loads the module at boot.  depmod runs only
# without DESTDIR (a staging tree is for a package, whose postinst runs it).
PREFIX     ?= /usr
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR     ?= $(PREFIX)/lib/$(shell $(CC) -print-multiarch)
UDEVDIR    ?= /lib/udev
MODLOADDIR ?= $(PREFIX)/lib/modules-load.d
DEPMOD     ?= depmod
KREL        = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR      = /lib/modules/$(KREL)/updates
INSTALLED   = $(MODDIR)/myepoll.ko $(INCLUDEDIR)/linux/myepoll.h $(LIBDIR)/libmyepoll-shim.so \
	$(UDEVDIR)/rules.d/60-myepoll.rules $(MODLOADDIR)/myepoll.conf

include tools/libmyepoll/libmyepoll.mk

install: module $(SHIM) libmyepoll-install
	install -D -m 0644 module/myepoll.ko $(DESTDIR)$(MODDIR)/myepoll.ko
	install -D -m 0644 uapi/linux/myepoll.h $(DESTDIR)$(INCLUDEDIR)/linux/myepoll.h
	install -D -m 0644 $(SHIM) $(DESTDIR)$(LIBDIR)/libmyepoll-shim.so
	install -D -m 0644 scripts/dist/60-myepoll.rules $(DESTDIR)$(UDEVDIR)/rules.d/60-myepoll.rules
	install -D -m 0644 scripts/dist/modules-load.conf $(DESTDIR)$(MODLOADDIR)/myepoll.conf
	$(if $(DESTDIR),,$(DEPMOD) -a $(KREL))

uninstall:
	@test -n "$(KREL)" || { echo "make uninstall: no kernel release in $(KDIR): pass KDIR="; exit 1; }
	rm -f $(addprefix $(DESTDIR),$(INSTALLED) $(LIBMYEPOLL_INSTALLED))
	$(if $(DESTDIR),,$(DEPMOD) -a $(KREL))

# make dkms-install: the sources DKMS builds from, in /usr/src/myepoll-VERSION
# (VERSION: dkms.conf's), with dkms.conf for that VERSION.  DKMS runs
# `make module KDIR=<the kernel's headers>`, BTF included.
SRCDIR  ?= $(PREFIX)/src
VERSION ?= $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' scripts/dist/dkms.conf)
DKMSDIR  = $(SRCDIR)/myepoll-$(VERSION)
# The Makefile includes libmyepoll.mk: it ships with it.
DKMS_SOURCES := Makefile Kbuild tools/libmyepoll/libmyepoll.mk $(filter-out %.mod.c,$(wildcard module/Kbuild module/*.[ch] \
	module/tests/Kbuild module/tests/*.[ch])) uapi/linux/myepoll.h scripts/module-btf.sh scripts/kernel-vmlinux.sh \
	scripts/extract-vmlinux.py
dkms-install:
	@test -n "$(VERSION)" || { echo "dkms-install: no PACKAGE_VERSION in scripts/dist/dkms.conf"; exit 1; }
	$(foreach f,$(DKMS_SOURCES),install -D -m 0644 $(f) $(DESTDIR)$(DKMSDIR)/$(f) &&) true
	sed 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(VERSION)"/' scripts/dist/dkms.conf >$(DESTDIR)$(DKMSDIR)/dkms.conf

userspace: libmyepoll $(PROGRAMS) $(SHIM) $(SHIM_CHECK) $(TBPROF)

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BUILD)/differential: $(TEST_OBJS) $(LIB) $(LIBMYEPOLL_A)
	$(CXX) $(CXXFLAGS) -o $@ $^ -lgtest $(LDFLAGS)

$(BUILD)/demo: $(DEMO_OBJS) $(LIB) $(LIBMYEPOLL_A)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDFLAGS)

$(BUILD)/gauntlet: $(GAUNTLET_OBJS) $(LIB) $(LIBMYEPOLL_A)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDFLAGS)

$(HOSTILE_OBJS): CXXFLAGS += -I$(CURDIR)/userspace-tests -I$(CURDIR)/userspace-tests/gauntlet
$(BUILD)/hostile: $(HOSTILE_OBJS) $(HOSTILE_SHARED) $(LIB) $(LIBMYEPOLL_A)
	$(CXX) $(CXXFLAGS) -o $@ $^ -lgtest $(LDFLAGS)

$(TRACE_GEN)/vmlinux.h: $(KERNEL) scripts/kernel-vmlinux.sh
	@mkdir -p $(dir $@)
	vmlinux=$$(bash scripts/kernel-vmlinux.sh $(KERNEL)) && \
		bpftool btf dump file "$$vmlinux" format c >$@.tmp && mv $@.tmp $@

$(TRACE_GEN)/trace.bpf.o: tools/trace/trace.bpf.c tools/trace/trace_shared.h $(TRACE_GEN)/vmlinux.h
	clang -target bpf -D__TARGET_ARCH_x86 -mcpu=v3 -g -O2 -Wall -Werror \
		-I$(TRACE_GEN) -Itools/trace -c -o $@ $<

$(TRACE_GEN)/trace.skel.h: $(TRACE_GEN)/trace.bpf.o
	bpftool gen skeleton $< name trace_bpf >$@.tmp && mv $@.tmp $@

$(TRACE_OBJS): CXXFLAGS += -I$(CURDIR)/$(TRACE_GEN) -I$(CURDIR)/tools/trace
$(TRACE_OBJS): $(TRACE_GEN)/trace.skel.h

# Static libelf needs zlib and zstd.
$(BUILD)/trace: $(TRACE_OBJS) $(LIB) $(LIBMYEPOLL_A)
	$(CXX) $(CXXFLAGS) -o $@ $^ -lbpf -lelf -lz -lzstd $(LDFLAGS)
# The bench's reactor section runs the demo's server and load generator.
DEMO_RUN_OBJS := $(filter-out $(BUILD)/tools/demo/main.o,$(DEMO_OBJS))
$(BENCH_OBJS): CXXFLAGS += -I$(CURDIR)/tools/demo
$(BUILD)/bench: $(BENCH_OBJS) $(DEMO_RUN_OBJS) $(LIB) $(LIBMYEPOLL_A)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDFLAGS)

$(TBPROF): tools/profile/tbprof.cpp
	@mkdir -p $(dir $@)
	$(CXX) -O2 -std=c++20 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -o $@ $<

shim: $(SHIM) $(SHIM_CHECK)

$(BUILD)/pic/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c -o $@ $<

# libmyepoll's archive is position-independent: linked in, its symbols hidden.
$(SHIM): $(SHIM_OBJS) $(LIBMYEPOLL_A)
	$(CXX) $(CXXFLAGS) -shared -fPIC -o $@ $^ -static-libstdc++ -static-libgcc \
		-Wl,--exclude-libs,ALL -Wl,-z,defs -ldl

$(SHIM_CHECK): $(SHIM_CHECK_OBJS)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -o $@ $^ -static-libstdc++ -static-libgcc -pthread -ldl

selftest: $(SHIM) $(SHIM_CHECK) $(SELFTEST)

$(BUILD)/linux-source-6.1/$(EPOLL_TEST_REL):
	@test -f $(KSRC_TAR) || { echo "$(KSRC_TAR) missing: run scripts/install-deps.sh (linux-source-6.1)"; exit 1; }
	@mkdir -p $(BUILD)
	tar -xJf $(KSRC_TAR) -C $(BUILD) linux-source-6.1/$(EPOLL_TEST_REL) \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h
	touch $@

# Dynamically linked: LD_PRELOAD needs the dynamic loader.  The test's source
# is compiled as is; kselftest_select.h adds case selection and a time-limit
# knob to its harness (environment variables, off by default).
SELFTEST_SELECT := tools/shim/selftest/kselftest_select.h
$(SELFTEST): $(KSRC)/$(EPOLL_TEST_REL) $(SELFTEST_SELECT)
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -I$(KSRC)/tools/testing/selftests -include $(CURDIR)/$(SELFTEST_SELECT) \
		-pthread -o $@ $<

# KUnit suites (module/tests/) need CONFIG_KUNIT: the debug kernel that
# scripts/build-debug-kernel.sh builds once and caches (the last line it prints
# is the bzImage; the env file next to it gives KDIR and APPEND).  Kbuild 6.1
# has no output directory for external modules, so the sources are copied to
# build/debug-modules/ and both modules are built there in one Kbuild run; the
# stock build in module/ is left alone.  Another debug kernel (a new cache key)
# starts from scratch.
DEBUG_MODULES := $(BUILD)/debug-modules
DEBUG_ENV = bz=$$(bash scripts/build-debug-kernel.sh) || exit 1; \
	. "$$(dirname "$$(echo "$$bz" | tail -n1)")/env"

# The module's sources (and the KUnit module's), copied for an out-of-tree
# build elsewhere.
MODULE_COPY := rsync -a --delete --prune-empty-dirs --exclude='*.mod.c' --include=/Kbuild \
	--include='/uapi/***' --include=/module/ --include=/module/tests/ \
	--include='/module/**Kbuild' --include='/module/**.c' --include='/module/**.h' \
	--exclude='*' ./

kunit-modules:
	@$(DEBUG_ENV); \
	if [ "$$(cat $(DEBUG_MODULES)/.kdir 2>/dev/null)" != "$$KDIR" ]; then \
		rm -rf $(DEBUG_MODULES) && mkdir -p $(DEBUG_MODULES) && \
		echo "$$KDIR" >$(DEBUG_MODULES)/.kdir || exit 1; \
	fi; \
	$(MODULE_COPY) $(DEBUG_MODULES)/ && \
	$(MAKE) -C "$$KDIR" M=$(CURDIR)/$(DEBUG_MODULES) W=1 modules

# myepoll.ko for another of Debian's kernels (scripts/kernels.sh names them:
# 6.1, 6.12, rt), built in a copy of the sources, build/kernels/<release>/,
# as kunit-modules does, against that kernel's headers (with the compiler
# they name), with its BTF (scripts/module-btf.sh).
KNAME ?= 6.1
kernel-module:
	@rel=$$(bash scripts/kernels.sh release $(KNAME)) || exit 1; \
	dir=$(BUILD)/kernels/$$rel; \
	mkdir -p $$dir && $(MODULE_COPY) $$dir/ && \
	$(MAKE) -C /usr/src/linux-headers-$$rel M=$(CURDIR)/$$dir W=1 modules && \
	bash scripts/module-btf.sh /usr/src/linux-headers-$$rel $$dir/module/myepoll.ko

kunit: kunit-modules
	@$(DEBUG_ENV); \
	bash scripts/vm-run.sh --kernel "$$BZIMAGE" --append "$$APPEND" \
		--module $(DEBUG_MODULES)/module/myepoll.ko \
		--kmod-file $(DEBUG_MODULES)/module/tests/myepoll_kunit.ko --suites kunit

# KVER is empty when make starts before deps installed the kernel: a
# sub-make reads it again.
check: deps
	$(MAKE) --no-print-directory check-built

check-built:
	$(VM_MODULE) userspace selftest $(BUILD)/trace
	KERNEL=$(KERNEL) KDIR=$(VM_KDIR) bash scripts/check.sh

lint:
	bash scripts/lint.sh

demo: deps
	$(VM_MODULE) $(BUILD)/demo
	@bash scripts/vm-run.sh --kernel $(KERNEL) --suites "demo" --log $(BUILD)/demo-console.log; \
	status=$$?; echo; sed -n '/^backend /,/^[[:space:]]*$$/p' $(BUILD)/demo-console.log; exit $$status

# The tracer's table for both backends, on the stock kernel, or on the debug
# kernel with TRACE_KERNEL=debug.  TRACE_ARGS: options of build/trace;
# TRACE_SMP: guest CPUs (1 keeps TCG's cross-CPU wakeup out of the latency).
TRACE_LOG := $(BUILD)/trace-console.log
TRACE_SMP ?= 2
TRACE_VM   = --suites trace --smp $(TRACE_SMP) --log $(TRACE_LOG) \
	$(if $(TRACE_ARGS),--env TRACE_ARGS="$(TRACE_ARGS)")
trace: deps
	$(VM_MODULE) $(BUILD)/trace
ifeq ($(TRACE_KERNEL),debug)
	$(MAKE) kunit-modules
	@$(DEBUG_ENV); bash scripts/vm-run.sh --kernel "$$BZIMAGE" --append "$$APPEND" --mem 3072 \
		--module $(DEBUG_MODULES)/module/myepoll.ko $(TRACE_VM); \
	status=$$?; echo; sed -n '/^workload /,/^[[:space:]]*$$/p' $(TRACE_LOG); exit $$status
else
	@bash scripts/vm-run.sh --kernel $(KERNEL) $(TRACE_VM); \
	status=$$?; echo; sed -n '/^workload /,/^[[:space:]]*$$/p' $(TRACE_LOG); exit $$status
endif
bench: deps
	$(VM_MODULE) $(BUILD)/bench $(SHIM)
	@KERNEL=$(KERNEL) bash scripts/bench.sh

profile: deps
	$(VM_MODULE) $(BUILD)/bench $(TBPROF)
	@KERNEL=$(KERNEL) TBPROF=$(TBPROF) bash scripts/profile.sh

format:
	bash scripts/lint.sh --format

# Kbuild's clean needs some headers, any.
CLEAN_KDIR := $(firstword $(wildcard $(KDIR)/Makefile $(VM_KDIR)/Makefile))
clean:
	$(if $(CLEAN_KDIR),$(MAKE) -C $(dir $(CLEAN_KDIR)) M=$(CURDIR) clean)
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(DEMO_OBJS:.o=.d) $(SHIM_OBJS:.o=.d) $(SHIM_CHECK_OBJS:.o=.d) \
	$(GAUNTLET_OBJS:.o=.d) $(TRACE_OBJS:.o=.d) $(BENCH_OBJS:.o=.d) $(HOSTILE_OBJS:.o=.d)
