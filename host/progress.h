/* progress.h: a progress bar on stderr (files, MB, rate, ETA), drawn only
 * when stderr is a terminal, at most ten times a second. */
#ifndef TRANG_PROGRESS_H
#define TRANG_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool on;
	uint64_t total_files, total_bytes;
	double started, last_draw;
	int drawn; /* a bar is on screen and must be cleared before other output */
};

/* Turns the bar on when stderr is a terminal and `wanted`. */
void progress_start(struct progress *p, bool wanted, uint64_t total_files, uint64_t total_bytes);
void progress_update(struct progress *p, uint64_t files, uint64_t bytes);
/* Clears the bar so a message can be printed; the next update redraws it. */
void progress_clear(struct progress *p);

/* Monotonic seconds. */
double progress_now(void);

#endif
