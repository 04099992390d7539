# myepoll top-level Makefile.
#
#   make            module + user-space programs
#   make check      install what is missing, build, boot the test VM, run the suites
#   make demo       boot the VM and run the Reactor demo on native epoll and on myepoll
#   make clean
#
# KDIR defaults to Debian's 6.1 headers (not the running kernel).

KVER     ?= $(shell ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n1 | sed 's|.*/linux-headers-||')
KDIR     ?= /usr/src/linux-headers-$(KVER)
KERNEL   ?= /boot/vmlinuz-$(KVER)
BUILD    := build

CXX      ?= g++
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++20 -Wall -Wextra -Werror -I$(CURDIR)/uapi -I$(CURDIR)/tools/lib
LDFLAGS  += -static -pthread

LIB_SRCS  := $(wildcard tools/lib/*.cpp)
LIB_OBJS  := $(LIB_SRCS:%.cpp=$(BUILD)/%.o)
LIB       := $(BUILD)/libmyepoll.a

TEST_SRCS := $(wildcard userspace-tests/*.cpp)
TEST_OBJS := $(TEST_SRCS:%.cpp=$(BUILD)/%.o)

DEMO_SRCS := $(wildcard tools/demo/*.cpp)
DEMO_OBJS := $(DEMO_SRCS:%.cpp=$(BUILD)/%.o)

PROGRAMS  := $(BUILD)/differential $(BUILD)/demo

.PHONY: all deps module userspace check demo clean format
all: module userspace

deps:
	bash scripts/install-deps.sh

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

userspace: $(PROGRAMS)

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BUILD)/differential: $(TEST_OBJS) $(LIB)
	$(CXX) $(CXXFLAGS) -o $@ $^ -lgtest $(LDFLAGS)

$(BUILD)/demo: $(DEMO_OBJS) $(LIB)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDFLAGS)

check: deps
	$(MAKE) all
	bash scripts/vm-run.sh --kernel $(KERNEL) --suites "differential"

demo: deps
	$(MAKE) all
	bash scripts/vm-run.sh --kernel $(KERNEL) --suites "demo"

format:
	clang-format -i $(LIB_SRCS) $(wildcard tools/*/*.hpp tools/*/*.cpp userspace-tests/*.cpp userspace-tests/*.hpp)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(DEMO_OBJS:.o=.d)
