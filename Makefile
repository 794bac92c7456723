# tilsyn: `make` builds ./tilsyn; `make run` and `make check` are the README's two commands.
CC ?= cc
# O: where objects go; BIN: the program. Separate values let parallel builds not collide.
O ?= build
BIN ?= tilsyn
PKGS = libmicrohttpd sqlite3 jansson libsodium libzip expat xlsxwriter cairo pangocairo
CFLAGS ?= -O2 -g
WARN = -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
CPPFLAGS += -D_GNU_SOURCE -Isrc
LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread -lm
PKGCFLAGS = $(shell pkg-config --cflags $(PKGS))

SRC = $(filter-out src/main.c, $(wildcard src/*.c))
EMBED = $(sort $(wildcard src/schema/*.sql)) $(sort $(wildcard static/*)) $(sort $(wildcard catalogues/*.json))
OBJ = $(SRC:src/%.c=$(O)/%.o) $(O)/embedded.o
ASAN_OBJ = $(SRC:src/%.c=$(O)/asan/%.o) $(O)/asan/embedded.o
ASAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

all: $(BIN)

$(O) $(O)/asan $(O)/unit $(O)/asan/unit:
	mkdir -p $@

$(O)/embed: tools/embed.c | $(O)
	$(CC) -O1 -o $@ $<

$(O)/embedded.c: $(O)/embed $(EMBED)
	$(O)/embed $@ src/ $(EMBED)

$(O)/%.o: src/%.c src/*.h | $(O)
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

$(O)/embedded.o: $(O)/embedded.c
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

$(BIN): $(O)/main.o $(OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# The same objects under AddressSanitizer and UndefinedBehaviorSanitizer, for the tests.
$(O)/asan/%.o: src/%.c src/*.h | $(O)/asan
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) -O1 -g $(ASAN) -c -o $@ $<

$(O)/asan/embedded.o: $(O)/embedded.c | $(O)/asan
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) -O1 -g $(ASAN) -c -o $@ $<

$(O)/asan/tilsyn: $(O)/asan/main.o $(ASAN_OBJ)
	$(CC) $(ASAN) -o $@ $^ $(LIBS)

$(O)/unit/%: tests/unit/%.c $(OBJ) | $(O)/unit
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(OBJ) $(LIBS) -lcmocka

$(O)/asan/unit/%: tests/unit/%.c $(ASAN_OBJ) | $(O)/asan/unit
	$(CC) $(CPPFLAGS) $(PKGCFLAGS) $(WARN) -O1 -g $(ASAN) -o $@ $< $(ASAN_OBJ) $(LIBS) -lcmocka

unit: $(UNIT:%=$(O)/unit/%) $(UNIT:%=$(O)/asan/unit/%)

bootstrap:
	./scripts/bootstrap

check: bootstrap
	$(MAKE) $(BIN) unit $(O)/asan/tilsyn
	./tests/run

run: bootstrap
	$(MAKE) $(BIN)
	./scripts/run

clean:
	rm -rf $(O) $(BIN)

.PHONY: all bootstrap check run clean unit
