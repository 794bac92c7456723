# tilsyn: `make` builds ./tilsyn; `make run` and `make check` are the README's two commands.
CC ?= cc
PKGS = libmicrohttpd sqlite3 jansson libsodium libzip expat
CFLAGS ?= -O2 -g
WARN = -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
CPPFLAGS += -D_GNU_SOURCE -Isrc -Ibuild
LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread
PKGCFLAGS = $(shell pkg-config --cflags $(PKGS))

SRC = $(filter-out src/main.c, $(wildcard src/*.c))
EMBED = $(sort $(wildcard src/schema/*.sql)) $(sort $(wildcard static/*))
OBJ = $(SRC:src/%.c=build/%.o) build/embedded.o
ASAN_OBJ = $(SRC:src/%.c=build/asan/%.o) build/asan/embedded.o
ASAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

all: tilsyn

build build/asan build/unit build/asan/unit:
	mkdir -p $@

build/embed: tools/embed.c | build
	$(CC) -O1 -o $@ $<

build/embedded.c: build/embed $(EMBED)
	build/embed $@ src/ $(EMBED)

build/%.o: src/%.c src/*.h | build
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

build/embedded.o: build/embedded.c
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

tilsyn: build/main.o $(OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# The same objects under AddressSanitizer and UndefinedBehaviorSanitizer, for the tests.
build/asan/%.o: src/%.c src/*.h | build/asan
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) -O1 -g $(ASAN) -c -o $@ $<

build/asan/embedded.o: build/embedded.c | build/asan
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) -O1 -g $(ASAN) -c -o $@ $<

build/asan/tilsyn: build/asan/main.o $(ASAN_OBJ)
	$(CC) $(ASAN) -o $@ $^ $(LIBS)

build/unit/%: tests/unit/%.c $(OBJ) | build/unit
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(OBJ) $(LIBS) -lcmocka

build/asan/unit/%: tests/unit/%.c $(ASAN_OBJ) | build/asan/unit
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) -O1 -g $(ASAN) -o $@ $< $(ASAN_OBJ) $(LIBS) -lcmocka

unit: $(UNIT:%=build/unit/%) $(UNIT:%=build/asan/unit/%)

bootstrap:
	./scripts/bootstrap

check: bootstrap
	$(MAKE) tilsyn unit build/asan/tilsyn
	./tests/run

run: bootstrap
	$(MAKE) tilsyn
	./scripts/run

clean:
	rm -rf build tilsyn

.PHONY: all bootstrap check run clean unit
