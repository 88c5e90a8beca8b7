/* progress.c: the terminal progress bar (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double progress_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, bool wanted, uint64_t total_files, uint64_t total_bytes)
{
	p->on = wanted && isatty(STDERR_FILENO);
	p->total_files = total_files;
	p->total_bytes = total_bytes;
	p->started = progress_now();
	p->last_draw = 0;
	p->drawn = 0;
}

void progress_update(struct progress *p, uint64_t files, uint64_t bytes)
{
	if (!p->on)
		return;
	double now = progress_now();
	if (now - p->last_draw < 0.1 && files < p->total_files)
		return;
	p->last_draw = now;
	double el = now - p->started;
	double mb = (double)bytes / 1e6, total_mb = (double)p->total_bytes / 1e6;
	double rate = el > 0 ? mb / el : 0;
	double frac = p->total_bytes ? (double)bytes / (double)p->total_bytes : 1.0;
	if (frac > 1)
		frac = 1;
	int eta = rate > 0 ? (int)((total_mb - mb) / rate) : 0;
	if (eta < 0)
		eta = 0;
	char bar[31];
	int fill = (int)(frac * 30);
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %llu/%llu files  %.1f/%.1f MB  %.1f MB/s  ETA %d:%02d\033[K", bar,
	        (unsigned long long)files, (unsigned long long)p->total_files, mb, total_mb, rate, eta / 60,
	        eta % 60);
	p->drawn = 1;
}

void progress_clear(struct progress *p)
{
	if (p->on && p->drawn) {
		fputs("\r\033[K", stderr);
		p->drawn = 0;
	}
}
