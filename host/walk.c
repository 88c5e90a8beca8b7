/* walk.c: recursive, sorted folder walk (see walk.h). Each folder is read
 * whole and closed before descending, so deep trees do not hold one open
 * descriptor per level; the chain of (device, inode) of the folders above
 * catches symbolic-link loops. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define WALK_MAX_DEPTH 256

struct ancestor {
	dev_t dev;
	ino_t ino;
};

struct walker {
	walk_file_fn on_file;
	walk_error_fn on_error;
	void *ud;
	struct ancestor chain[WALK_MAX_DEPTH];
	int depth;
};

static int format_of(const char *path, enum walk_format *fmt)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash))
		return -1;
	if (strcasecmp(dot, ".txt") == 0)
		*fmt = WALK_TXT;
	else if (strcasecmp(dot, ".jsonl") == 0)
		*fmt = WALK_JSONL;
	else
		return -1;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_any(struct walker *w, const char *path, int named);

static int walk_dir(struct walker *w, const char *path, const struct stat *st)
{
	for (int i = 0; i < w->depth; i++) {
		if (w->chain[i].dev == st->st_dev && w->chain[i].ino == st->st_ino) {
			w->on_error(w->ud, path, "symbolic link loop (this folder contains itself); skipped");
			return 0;
		}
	}
	if (w->depth == WALK_MAX_DEPTH) {
		w->on_error(w->ud, path, "folders nested deeper than 256 levels; skipped");
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		char msg[256];
		snprintf(msg, sizeof msg, "cannot open folder: %s", strerror(errno));
		w->on_error(w->ud, path, msg);
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **p = realloc(names, cap * sizeof *names);
			if (!p)
				break;
			names = p;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n > 1) /* an empty folder has no array: qsort(NULL, 0) is undefined */
		qsort(names, n, sizeof *names, cmp_names);
	w->chain[w->depth].dev = st->st_dev;
	w->chain[w->depth].ino = st->st_ino;
	w->depth++;
	size_t plen = strlen(path);
	int trailing = plen > 0 && path[plen - 1] == '/';
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t need = plen + 1 + strlen(names[i]) + 1;
		char *child = malloc(need);
		if (!child)
			break;
		snprintf(child, need, "%s%s%s", path, trailing ? "" : "/", names[i]);
		rc = walk_any(w, child, 0);
		free(child);
	}
	w->depth--;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int walk_any(struct walker *w, const char *path, int named)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		char msg[256];
		struct stat lst;
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			snprintf(msg, sizeof msg, "unreadable: symbolic link to a missing file (%s)", strerror(errno));
		else if (errno == ENOENT && !named) /* listed, then deleted before we got to it */
			snprintf(msg, sizeof msg, "vanished before it could be read (%s); nothing stored for it changed",
			         strerror(errno));
		else
			snprintf(msg, sizeof msg, "unreadable: %s", strerror(errno));
		w->on_error(w->ud, path, msg);
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(w, path, &st);
	struct walk_file f = {.path = path, .size = st.st_size,
	                      .mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec};
	if (format_of(path, &f.format) != 0) {
		if (named)
			w->on_error(w->ud, path, "not a .txt or .jsonl file; trang reads only those");
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		w->on_error(w->ud, path, "not a regular file; skipped");
		return 0;
	}
	return w->on_file(w->ud, &f);
}

int walk_path(const char *root, walk_file_fn on_file, walk_error_fn on_error, void *ud)
{
	struct walker w = {.on_file = on_file, .on_error = on_error, .ud = ud};
	return walk_any(&w, root, 1);
}
