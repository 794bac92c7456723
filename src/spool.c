/*
** Spooling of large uploads: a request body bigger than a plain form (a case list, a filled
** sheet, a catalogue) is written to an unlinked file in a private folder as it arrives, and
** mapped into memory only when complete, so what a client sends costs disk, not the server's
** memory. Only SPOOL_SLOTS uploads are spooled at once, one per user; the router answers 503
** (429 for a second upload of one user) beyond that.
*/
#include "http.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char spool_dir[4096];

/* Removes the (empty) folders of servers that were killed before they could: named with
** their process id, ours, and that process is gone. A folder that is not empty stays. */
static void sweep_stale(const char *tmp)
{
	DIR *d = opendir(tmp);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		if (strncmp(e->d_name, "tilsyn-upload-", 14) != 0)
			continue;
		long pid = strtol(e->d_name + 14, &end, 10);
		if (end == e->d_name + 14 || *end != '-' || pid <= 0 || pid == (long)getpid())
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Makes the private folder (mode 0700) in $TMPDIR or /tmp, named with the process id so that
** a later server can tidy it away if this one is killed; returns 0, or -1 with errno. */
int spool_init(void)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	sweep_stale(tmp);
	if ((size_t)snprintf(spool_dir, sizeof spool_dir, "%s/tilsyn-upload-%ld-XXXXXX", tmp, (long)getpid()) >=
	    sizeof spool_dir)
		return errno = ENAMETOOLONG, -1;
	if (!mkdtemp(spool_dir)) {
		spool_dir[0] = 0;
		return -1;
	}
	return 0;
}

/* Removes the folder; its files were unlinked when made, so it is empty. */
void spool_cleanup(void)
{
	if (spool_dir[0])
		rmdir(spool_dir);
	spool_dir[0] = 0;
}

/*
** The upload slots, each held by one user: a person sends one file at a time, so that one
** signed-in member (or one script with her session) cannot hold every slot by sending several
** uploads slowly (http.c also drops an upload that arrives too slowly). Returns 1 when a slot
** is taken for user_id, SPOOL_ALL_TAKEN when all are in use, SPOOL_USER_BUSY when the user
** already has one.
*/
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t slot_user[SPOOL_SLOTS]; /* 0: free */
static int slot_used[SPOOL_SLOTS];

int spool_slot_take(int64_t user_id)
{
	int rc = SPOOL_ALL_TAKEN, free_slot = -1;
	pthread_mutex_lock(&slots_lock);
	for (int i = 0; i < SPOOL_SLOTS; i++) {
		if (!slot_used[i]) {
			if (free_slot < 0)
				free_slot = i;
		} else if (user_id && slot_user[i] == user_id) {
			rc = SPOOL_USER_BUSY;
		}
	}
	if (rc != SPOOL_USER_BUSY && free_slot >= 0) {
		slot_used[free_slot] = 1;
		slot_user[free_slot] = user_id;
		rc = 1;
	}
	pthread_mutex_unlock(&slots_lock);
	return rc;
}

void spool_slot_give(int64_t user_id)
{
	pthread_mutex_lock(&slots_lock);
	for (int i = 0; i < SPOOL_SLOTS; i++)
		if (slot_used[i] && slot_user[i] == user_id) {
			slot_used[i] = 0;
			slot_user[i] = 0;
			break;
		}
	pthread_mutex_unlock(&slots_lock);
}

/* A new, already unlinked file in the private folder; -1 when none can be made. */
int spool_open(void)
{
	if (!spool_dir[0])
		return -1;
	int fd = open(spool_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	/* A file system without O_TMPFILE: make a named file and unlink it at once. */
	char path[sizeof spool_dir + 16];
	snprintf(path, sizeof path, "%s/u-XXXXXX", spool_dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Appends n bytes; returns 0, or -1 when the disk refuses them (full, quota). */
int spool_write(int fd, const char *data, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The file's n bytes as a private, writable mapping (changes stay in memory, page by page);
** NULL when it cannot be mapped. An empty file maps to NULL as well: the caller uses "". */
char *spool_map(int fd, size_t n)
{
	if (n == 0)
		return NULL;
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

void spool_unmap(char *p, size_t n)
{
	if (p)
		munmap(p, n);
}
