/*
** Tests of proxy.c: the client's address is taken from X-Forwarded-For only when the peer is
** a trusted proxy, reading from the right to the first untrusted address; the public URL's
** scheme decides whether the browser is on HTTPS.
*/
#include "unit_helpers.h"
#include "http.h"

static const char *client(const char *peer, const char *xff)
{
	static char out[64];
	proxy_client_address(peer, xff, out, sizeof out);
	return out;
}

static void untrusted_peer_is_the_client(void **state)
{
	(void)state;
	proxy_reset();
	assert_string_equal(client("127.0.0.1", "203.0.113.7"), "127.0.0.1");
	assert_int_equal(proxy_trust("10.0.0.1"), 0);
	assert_string_equal(client("127.0.0.1", "203.0.113.7"), "127.0.0.1");
	assert_string_equal(client("10.0.0.2", "203.0.113.7"), "10.0.0.2");
}

static void trusted_peer_forwards(void **state)
{
	(void)state;
	proxy_reset();
	assert_int_equal(proxy_trust("10.0.0.1"), 0);
	assert_int_equal(proxy_trust("::1"), 0);
	assert_string_equal(client("10.0.0.1", NULL), "10.0.0.1");
	assert_string_equal(client("10.0.0.1", "203.0.113.7"), "203.0.113.7");
	/* A client's own header at the left is not believed: the rightmost untrusted address. */
	assert_string_equal(client("10.0.0.1", "1.2.3.4, 203.0.113.7"), "203.0.113.7");
	/* Chained trusted proxies are skipped. */
	assert_string_equal(client("10.0.0.1", "1.2.3.4,203.0.113.7 , ::1,10.0.0.1"), "203.0.113.7");
	/* IPv6 in any spelling, written in one. */
	assert_string_equal(client("0:0:0:0:0:0:0:1", "2001:DB8::0001"), "2001:db8::1");
	/* Garbage stops the walk at the last good address. */
	assert_string_equal(client("10.0.0.1", "evil, 203.0.113.7"), "203.0.113.7");
	assert_string_equal(client("10.0.0.1", "<script>"), "10.0.0.1");
	assert_string_equal(client("10.0.0.1", ""), "10.0.0.1");
	assert_string_equal(client("10.0.0.1", " , "), "10.0.0.1");
	/* All trusted: the leftmost. */
	assert_string_equal(client("10.0.0.1", "::1"), "::1");
}

static void configuration(void **state)
{
	(void)state;
	proxy_reset();
	assert_int_equal(proxy_trust("proxy.kommune.dk"), -1);
	assert_int_equal(proxy_trust("10.0.0.0/8"), -1);
	assert_int_equal(proxy_set_public_url(NULL), 0);
	assert_false(proxy_public_https());
	assert_int_equal(proxy_set_public_url("HTTPS://tilsyn.kommune.dk"), 0);
	assert_true(proxy_public_https());
	assert_int_equal(proxy_set_public_url("http://tilsyn.kommune.dk"), 0);
	assert_false(proxy_public_https());
	assert_int_equal(proxy_set_public_url("tilsyn.kommune.dk"), -1);
	assert_int_equal(proxy_set_public_url("https://"), -1);
	proxy_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(untrusted_peer_is_the_client),
		cmocka_unit_test(trusted_peer_forwards),
		cmocka_unit_test(configuration),
	};
	return cmocka_run_group_tests_name("proxy", tests, NULL, NULL);
}
