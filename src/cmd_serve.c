/*
** tilsyn serve: the web server's options, then http_serve.
*/
#include "cli.h"
#include "http.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

int cmd_serve(Db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"tls-cert", required_argument, NULL, 'c'},
		{"tls-key", required_argument, NULL, 'k'},
		{"per-ip-connections", required_argument, NULL, 'i'},
		{"header-timeout", required_argument, NULL, 'h'},
		{"public-url", required_argument, NULL, 'u'},
		{"trusted-proxy", required_argument, NULL, 'p'},
		{"statement-timeout", required_argument, NULL, 's'},
		{"upload-lifetime", required_argument, NULL, 'U'},
		{"upload-deadline", required_argument, NULL, 'D'},
		{"upload-min-rate", required_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	ServeOptions o = {.listen = "127.0.0.1:8080", .threads = cpus > 0 ? (int)cpus * 2 : 4,
	                  .per_ip_connections = 32, .header_timeout = 10, .statement_timeout = 5,
	                  .upload_lifetime = UPLOAD_TTL, .upload_deadline = 300, .upload_min_rate = 8192};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int64_t n;
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 't':
			if (!parse_int64(optarg, &n) || n < 1 || n > 256)
				return cli_fail("--threads skal være et tal fra 1 til 256, ikke '%s'", optarg);
			o.threads = (int)n;
			break;
		case 'c': o.tls_cert = optarg; break;
		case 'k': o.tls_key = optarg; break;
		case 'i':
			if (!parse_int64(optarg, &n) || n < 1 || n > 1000)
				return cli_fail("--per-ip-connections skal være et tal fra 1 til 1000, ikke '%s'", optarg);
			o.per_ip_connections = (int)n;
			break;
		case 'h':
			if (!parse_int64(optarg, &n) || n < 1 || n > 600)
				return cli_fail("--header-timeout skal være et antal sekunder fra 1 til 600, ikke '%s'", optarg);
			o.header_timeout = (int)n;
			break;
		case 's': {
			char *end;
			double sec = strtod(optarg, &end);
			if (end == optarg || *end || !(sec >= 0 && sec <= 3600))
				return cli_fail("--statement-timeout skal være et antal sekunder fra 0 til 3600 (fx 5 eller 0.5; 0: "
				                "ingen grænse), ikke '%s'", optarg);
			o.statement_timeout = sec;
			break;
		}
		case 'U':
			if (!parse_int64(optarg, &n) || n < 1 || n > 24 * 60 * 60)
				return cli_fail("--upload-lifetime skal være et antal sekunder fra 1 til 86400, ikke '%s'", optarg);
			o.upload_lifetime = (int)n;
			break;
		case 'D':
			if (!parse_int64(optarg, &n) || n < 1 || n > 24 * 60 * 60)
				return cli_fail("--upload-deadline skal være et antal sekunder fra 1 til 86400, ikke '%s'", optarg);
			o.upload_deadline = (int)n;
			break;
		case 'R':
			if (!parse_int64(optarg, &n) || n < 0 || n > 1 << 30)
				return cli_fail("--upload-min-rate skal være et antal byte i sekundet (0: ingen grænse), ikke '%s'",
				                optarg);
			o.upload_min_rate = (int)n;
			break;
		case 'u': o.public_url = optarg; break;
		case 'p':
			if (o.ntrusted_proxies >= (int)COUNT(o.trusted_proxies))
				return cli_fail("højst %d --trusted-proxy", (int)COUNT(o.trusted_proxies));
			o.trusted_proxies[o.ntrusted_proxies++] = optarg;
			break;
		default: return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc)
		return cli_fail("ukendt argument til serve: %s", argv[optind]);
	if (cli_audit_triggers_check(db) != 0)
		return 1;
	db_close(db);
	return http_serve(&o);
}
