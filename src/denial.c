/*
** Aggregation of refused logins, so that an anonymous client cannot make the audit log grow
** without bound. The first refusal of each client address in a minute is audited on its own
** by the caller (it names the login and the reason); the rest of that minute are only counted
** here, in memory, and written as one audit entry per address and minute with the counts
** ("login_denials") once the minute is over: by the next refusal from anyone, by the server's
** main thread every few seconds, and at shutdown. The audit table is append-only with a hash
** chain, so counts are never updated there. A crash loses at most the last minute's counts.
*/
#include "tilsyn.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define DENIAL_SLOTS 1024
#define DENIAL_IP 64
#define OTHER_ADDRESSES "andre adresser"

typedef struct Slot {
	int used;
	int64_t minute;             /* seconds / 60 */
	char ip[DENIAL_IP];
	int64_t count[DENIAL_KINDS]; /* refusals after the first of the minute */
} Slot;

static Slot slots[DENIAL_SLOTS];
static Slot overflow; /* every address beyond DENIAL_SLOTS in one minute, counted together */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int denial_note(const char *ip, DenialKind kind, int64_t now)
{
	if (!ip)
		ip = "";
	int64_t minute = now / 60;
	int first = 0;
	pthread_mutex_lock(&lock);
	Slot *free_slot = NULL, *hit = NULL;
	for (int i = 0; i < DENIAL_SLOTS && !hit; i++) {
		if (!slots[i].used)
			free_slot = free_slot ? free_slot : &slots[i];
		else if (slots[i].minute == minute && strcmp(slots[i].ip, ip) == 0)
			hit = &slots[i];
	}
	if (hit) {
		hit->count[kind]++;
	} else if (free_slot) {
		memset(free_slot, 0, sizeof *free_slot);
		free_slot->used = 1;
		free_slot->minute = minute;
		snprintf(free_slot->ip, sizeof free_slot->ip, "%s", ip);
		first = 1;
	} else {
		/* Table full: count without auditing the first, so a crowd of addresses is still bounded. */
		if (!overflow.used || overflow.minute != minute) {
			overflow.used = 1;
			overflow.minute = minute;
			snprintf(overflow.ip, sizeof overflow.ip, "%s", OTHER_ADDRESSES);
		}
		overflow.count[kind]++;
	}
	pthread_mutex_unlock(&lock);
	return first;
}

static void write_summary(Db *db, const Slot *s)
{
	int64_t total = 0;
	for (int k = 0; k < DENIAL_KINDS; k++)
		total += s->count[k];
	if (total == 0)
		return;
	char at[32], object[48], detail[300];
	time_iso(at, (time_t)(s->minute * 60));
	snprintf(object, sizeof object, "minute:%s", at);
	snprintf(detail, sizeof detail,
	         "%lld afviste login-forsøg mere i minuttet (forkert adgangskode eller ukendt bruger: %lld, "
	         "for mange forsøg: %lld, ugyldig login-formular: %lld)",
	         (long long)total, (long long)s->count[DENIAL_FAILED], (long long)s->count[DENIAL_THROTTLED],
	         (long long)s->count[DENIAL_CSRF]);
	audit_log(db, &(AuditEntry){.action = "login_denials", .object = object, .detail = detail,
	                            .ip = strcmp(s->ip, OTHER_ADDRESSES) == 0 ? NULL : s->ip});
}

/* Writes the counts of every minute that has ended by `now` (all of them when `all`), one
** audit entry per address and minute; entries are taken out under the lock and written after. */
void denial_flush(Db *db, int64_t now, int all)
{
	int64_t minute = now / 60;
	for (;;) {
		Slot done[32];
		int n = 0, more = 0;
		pthread_mutex_lock(&lock);
		for (int i = 0; i < DENIAL_SLOTS; i++) {
			if (!slots[i].used || (!all && slots[i].minute >= minute))
				continue;
			if (n == (int)COUNT(done)) {
				more = 1;
				break;
			}
			done[n++] = slots[i];
			slots[i].used = 0;
		}
		if (!more && overflow.used && (all || overflow.minute < minute)) {
			if (n < (int)COUNT(done)) {
				done[n++] = overflow;
				overflow.used = 0;
			} else {
				more = 1;
			}
		}
		pthread_mutex_unlock(&lock);
		for (int i = 0; i < n; i++)
			write_summary(db, &done[i]);
		if (!more)
			return;
	}
}
