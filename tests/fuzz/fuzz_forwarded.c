/*
** libFuzzer target for X-Forwarded-For behind a trusted proxy (src/proxy.c,
** proxy_client_address). The input is three lines: the connection's peer address, the
** trusted proxies (separated by spaces), and the header. Checks: from an untrusted peer the
** answer is the peer as it is; otherwise it is the peer or an IPv4/IPv6 address in one
** spelling that appears (in some spelling) among the header's comma-separated entries, and
** never longer than an address can be.
*/
// fuzz-sources: proxy.c
#include "http.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "fuzz_forwarded: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                                 \
		}                                                                                \
	} while (0)

/* The address in inet_ntop's spelling, or "" when s is none. */
static void normal(const char *s, char out[INET6_ADDRSTRLEN])
{
	unsigned char bin[16];
	out[0] = 0;
	if (inet_pton(AF_INET, s, bin) == 1)
		inet_ntop(AF_INET, bin, out, INET6_ADDRSTRLEN);
	else if (inet_pton(AF_INET6, s, bin) == 1)
		inet_ntop(AF_INET6, bin, out, INET6_ADDRSTRLEN);
}

/* Whether some comma-separated entry of header, trimmed of spaces and tabs, is the address. */
static int header_names(const char *header, const char *addr)
{
	char *copy = strdup(header), *save = NULL;
	CHECK(copy);
	int found = 0;
	for (char *e = strtok_r(copy, ",", &save); e && !found; e = strtok_r(NULL, ",", &save)) {
		while (*e == ' ' || *e == '\t')
			e++;
		size_t n = strlen(e);
		while (n && (e[n - 1] == ' ' || e[n - 1] == '\t'))
			e[--n] = 0;
		char norm[INET6_ADDRSTRLEN];
		normal(e, norm);
		found = *norm && strcmp(norm, addr) == 0;
	}
	free(copy);
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);
	CHECK(s);
	memcpy(s, data, n);
	s[n] = 0;
	char *peer = s, *trusted = strchr(peer, '\n'), *header = NULL;
	if (trusted) {
		*trusted++ = 0;
		header = strchr(trusted, '\n');
		if (header)
			*header++ = 0;
	}
	if (strlen(peer) >= INET6_ADDRSTRLEN) { /* the server's peer comes from inet_ntop */
		free(s);
		return 0;
	}
	proxy_reset();
	int any_trusted = 0;
	if (trusted) {
		char *save = NULL;
		for (char *t = strtok_r(trusted, " ", &save); t; t = strtok_r(NULL, " ", &save))
			any_trusted |= proxy_trust(t) == 0;
	}
	char out[64];
	proxy_client_address(peer, header, out, sizeof out);
	CHECK(strlen(out) < INET6_ADDRSTRLEN);
	if (strcmp(out, peer) != 0) {
		CHECK(any_trusted && header);
		char norm[INET6_ADDRSTRLEN];
		normal(out, norm);
		CHECK(strcmp(norm, out) == 0);
		CHECK(header_names(header, out));
	}
	/* Nothing trusted: the header is never believed. */
	proxy_reset();
	proxy_client_address(peer, header, out, sizeof out);
	CHECK(strcmp(out, peer) == 0);
	free(s);
	return 0;
}
