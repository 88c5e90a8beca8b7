/* walk.h: finding the article files under the paths given to `trang ingest`:
 * folders recursively, in name order, symbolic-link loops detected. */
#ifndef TRANG_WALK_H
#define TRANG_WALK_H

#include <stdint.h>
#include <sys/types.h>

enum walk_format { WALK_TXT, WALK_JSONL };

struct walk_file {
	const char *path; /* as reached from the root given */
	enum walk_format format;
	off_t size;
	int64_t mtime_ns;
};

/* Called for each article file; return non-zero to stop the walk. */
typedef int (*walk_file_fn)(void *ud, const struct walk_file *f);
/* Called for a path that cannot be walked, with errno's text and advice. */
typedef void (*walk_error_fn)(void *ud, const char *path, const char *message);

/* Walks root (a folder or one file). Files other than .txt and .jsonl are
 * passed over in folders, and reported when named directly. Hidden entries
 * (".git") are skipped. Returns the callback's non-zero value, or 0. */
int walk_path(const char *root, walk_file_fn on_file, walk_error_fn on_error, void *ud);

#endif
