/*
** tilsyn behind a TLS-terminating reverse proxy (the recommended set-up): what the server
** must know that the connection does not tell it. With a public URL starting https://, the
** browser talks HTTPS to the proxy, so cookies get Secure and responses carry HSTS although
** the proxy reaches tilsyn over plain HTTP. The client's address (for the audit log) comes
** from X-Forwarded-For only when the connection comes from a trusted proxy (--trusted-proxy,
** repeatable); otherwise anyone could write any address into the log. Set once by
** http_serve before the first request; read-only afterwards.
*/
#include "http.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PROXY_MAX 16

static char trusted[PROXY_MAX][INET6_ADDRSTRLEN];
static int ntrusted;
static int public_https;

/* An address in one spelling (inet_ntop's), so "::0001" and "::1" compare equal; 0 when s is
** not an IPv4 or IPv6 address. */
static int address_normal(const char *s, char out[INET6_ADDRSTRLEN])
{
	unsigned char bin[16];
	if (inet_pton(AF_INET, s, bin) == 1)
		return inet_ntop(AF_INET, bin, out, INET6_ADDRSTRLEN) != NULL;
	if (inet_pton(AF_INET6, s, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, INET6_ADDRSTRLEN) != NULL;
	return 0;
}

void proxy_reset(void)
{
	ntrusted = 0;
	public_https = 0;
}

int proxy_trust(const char *addr)
{
	if (ntrusted >= PROXY_MAX || !addr || !address_normal(addr, trusted[ntrusted]))
		return -1;
	ntrusted++;
	return 0;
}

int proxy_set_public_url(const char *url)
{
	if (!url)
		return 0;
	if (strncasecmp(url, "https://", 8) == 0 && url[8])
		public_https = 1;
	else if (strncasecmp(url, "http://", 7) == 0 && url[7])
		public_https = 0;
	else
		return -1;
	return 0;
}

int proxy_public_https(void)
{
	return public_https;
}

static int is_trusted(const char *addr)
{
	char norm[INET6_ADDRSTRLEN];
	if (!address_normal(addr, norm))
		return 0;
	for (int i = 0; i < ntrusted; i++)
		if (strcmp(trusted[i], norm) == 0)
			return 1;
	return 0;
}

/*
** The client's address: the socket's peer, unless the peer is a trusted proxy and sent
** X-Forwarded-For; then, reading the header from the right (each proxy appends the address
** it was reached from), the first address that is not a trusted proxy. A malformed entry
** ends the walk at the last address known good (a client may write anything at the left).
*/
void proxy_client_address(const char *peer, const char *forwarded_for, char *out, size_t n)
{
	snprintf(out, n, "%s", peer ? peer : "");
	if (!peer || !forwarded_for || !is_trusted(peer))
		return;
	size_t len = strlen(forwarded_for);
	while (len > 0) {
		size_t end = len, start = len;
		while (start > 0 && forwarded_for[start - 1] != ',')
			start--;
		len = start > 0 ? start - 1 : 0;
		while (start < end && (forwarded_for[start] == ' ' || forwarded_for[start] == '\t'))
			start++;
		while (end > start && (forwarded_for[end - 1] == ' ' || forwarded_for[end - 1] == '\t'))
			end--;
		char entry[INET6_ADDRSTRLEN + 1], norm[INET6_ADDRSTRLEN];
		if (end - start >= sizeof entry)
			return;
		memcpy(entry, forwarded_for + start, end - start);
		entry[end - start] = 0;
		if (!address_normal(entry, norm))
			return;
		snprintf(out, n, "%s", norm);
		if (!is_trusted(norm))
			return;
	}
}
