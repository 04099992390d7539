# libmyepoll (tools/libmyepoll): included by the top-level Makefile.
#
#   build/libmyepoll/libmyepoll.a           static; position-independent, so
#                                           that the LD_PRELOAD shim links it
#   build/libmyepoll/libmyepoll.so.1.1.0    shared, soname libmyepoll.so.1,
#                                           exports listed in libmyepoll.map
#   build/libmyepoll/myepoll.pc             pkg-config file for PREFIX/LIBDIR
#   build/libmyepoll_test                   the C test (test/selfcontained.c),
#                                           static, run by the smoke suite
#
# C11 (gnu11 for syscall()), -Werror; the public header also compiles with
# -std=c11 -pedantic next to <sys/epoll.h> and <fcntl.h> (the test, and
# test/header_check.cpp for C++).
LIBMYEPOLL_DIR     := tools/libmyepoll
LIBMYEPOLL_BUILD   := $(BUILD)/libmyepoll
LIBMYEPOLL_VERSION := 1.1.0
LIBMYEPOLL_SONAME  := libmyepoll.so.1
LIBMYEPOLL_INCLUDE := -I$(CURDIR)/uapi -I$(CURDIR)/$(LIBMYEPOLL_DIR)/include
LIBMYEPOLL_CFLAGS  := -O2 -g -std=gnu11 -Wall -Wextra -Werror -fPIC $(LIBMYEPOLL_INCLUDE)

LIBMYEPOLL_SRCS   := $(wildcard $(LIBMYEPOLL_DIR)/src/*.c)
LIBMYEPOLL_OBJS   := $(LIBMYEPOLL_SRCS:$(LIBMYEPOLL_DIR)/src/%.c=$(LIBMYEPOLL_BUILD)/obj/%.o)
LIBMYEPOLL_A      := $(LIBMYEPOLL_BUILD)/libmyepoll.a
LIBMYEPOLL_SO     := $(LIBMYEPOLL_BUILD)/libmyepoll.so.$(LIBMYEPOLL_VERSION)
LIBMYEPOLL_PC     := $(LIBMYEPOLL_BUILD)/myepoll.pc
LIBMYEPOLL_TEST   := $(BUILD)/libmyepoll_test
LIBMYEPOLL_HCHECK := $(LIBMYEPOLL_BUILD)/header_check.o
LIBMYEPOLL_ALL    := $(LIBMYEPOLL_A) $(LIBMYEPOLL_SO) $(LIBMYEPOLL_PC) $(LIBMYEPOLL_TEST) \
	$(LIBMYEPOLL_HCHECK)

.PHONY: libmyepoll libmyepoll-force
libmyepoll: $(LIBMYEPOLL_ALL)

$(LIBMYEPOLL_BUILD)/obj/%.o: $(LIBMYEPOLL_DIR)/src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(LIBMYEPOLL_CFLAGS) -I$(LIBMYEPOLL_DIR)/src -MMD -MP -c -o $@ $<

$(LIBMYEPOLL_A): $(LIBMYEPOLL_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBMYEPOLL_SO): $(LIBMYEPOLL_OBJS) $(LIBMYEPOLL_DIR)/libmyepoll.map
	$(CC) -shared -Wl,-soname,$(LIBMYEPOLL_SONAME) \
		-Wl,--version-script=$(LIBMYEPOLL_DIR)/libmyepoll.map -Wl,-z,defs \
		-o $@ $(LIBMYEPOLL_OBJS)
	ln -sf $(notdir $@) $(LIBMYEPOLL_BUILD)/$(LIBMYEPOLL_SONAME)
	ln -sf $(LIBMYEPOLL_SONAME) $(LIBMYEPOLL_BUILD)/libmyepoll.so

# PREFIX, INCLUDEDIR and LIBDIR: the top-level Makefile's.
$(LIBMYEPOLL_PC): $(LIBMYEPOLL_DIR)/myepoll.pc.in $(LIBMYEPOLL_DIR)/libmyepoll.mk libmyepoll-force
	@mkdir -p $(dir $@)
	sed -e 's|@prefix@|$(PREFIX)|' -e 's|@libdir@|$(LIBDIR)|' \
		-e 's|@includedir@|$(INCLUDEDIR)|' -e 's|@version@|$(LIBMYEPOLL_VERSION)|' \
		$< >$@.tmp
	cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

# The C test: strict C11, pedantic, the library header next to glibc's
# epoll and fcntl headers in one translation unit; static like the other
# programs in the VM.
$(LIBMYEPOLL_TEST): $(LIBMYEPOLL_DIR)/test/selfcontained.c $(LIBMYEPOLL_A) \
		$(LIBMYEPOLL_DIR)/include/libmyepoll.h uapi/linux/myepoll.h
	$(CC) -O2 -g -std=c11 -Wall -Wextra -Werror -pedantic $(LIBMYEPOLL_INCLUDE) \
		-o $@ $< $(LIBMYEPOLL_A) -static

# The same translation unit as C++ (build only).
$(LIBMYEPOLL_HCHECK): $(LIBMYEPOLL_DIR)/test/header_check.cpp
	@mkdir -p $(dir $@)
	$(CXX) -std=c++20 -Wall -Wextra -Werror -pedantic $(LIBMYEPOLL_INCLUDE) -MMD -MP -c -o $@ $<

LIBMYEPOLL_INSTALLED = $(INCLUDEDIR)/libmyepoll.h $(LIBDIR)/libmyepoll.a \
	$(LIBDIR)/libmyepoll.so.$(LIBMYEPOLL_VERSION) $(LIBDIR)/$(LIBMYEPOLL_SONAME) \
	$(LIBDIR)/libmyepoll.so $(LIBDIR)/pkgconfig/myepoll.pc

# make install / uninstall: the header beside <linux/myepoll.h>'s directory,
# the libraries and the .pc file in LIBDIR.
.PHONY: libmyepoll-install libmyepoll-uninstall
libmyepoll-install: $(LIBMYEPOLL_A) $(LIBMYEPOLL_SO) $(LIBMYEPOLL_PC)
	install -D -m 0644 $(LIBMYEPOLL_DIR)/include/libmyepoll.h $(DESTDIR)$(INCLUDEDIR)/libmyepoll.h
	install -D -m 0644 $(LIBMYEPOLL_A) $(DESTDIR)$(LIBDIR)/libmyepoll.a
	install -D -m 0755 $(LIBMYEPOLL_SO) $(DESTDIR)$(LIBDIR)/libmyepoll.so.$(LIBMYEPOLL_VERSION)
	ln -sf libmyepoll.so.$(LIBMYEPOLL_VERSION) $(DESTDIR)$(LIBDIR)/$(LIBMYEPOLL_SONAME)
	ln -sf $(LIBMYEPOLL_SONAME) $(DESTDIR)$(LIBDIR)/libmyepoll.so
	install -D -m 0644 $(LIBMYEPOLL_PC) $(DESTDIR)$(LIBDIR)/pkgconfig/myepoll.pc

libmyepoll-uninstall:
	rm -f $(addprefix $(DESTDIR),$(LIBMYEPOLL_INSTALLED))

-include $(LIBMYEPOLL_OBJS:.o=.d) $(LIBMYEPOLL_HCHECK:.o=.d)
