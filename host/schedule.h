/* schedule.h: when a plugin job runs, engine- and loop-agnostic: a job's
 * schedule (`every`, five-field cron in local time, or an event), its next
 * run with jitter, the run owed after downtime (catch_up), and what to do
 * when a run is due while others still run (overlap). Times are seconds
 * since the epoch (double); the loop (serve.c) turns them into timers.
 * Not named sched.h: that would shadow the system <sched.h> (pthread.h
 * includes it) wherever -Ihost is on the command line. */
#ifndef TRANG_SCHEDULE_H
#define TRANG_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#include "plugin.h"
#include "sched_cron.h"

enum sched_kind { SCHED_EVERY, SCHED_CRON, SCHED_ON };
enum sched_overlap { SCHED_OVERLAP_SKIP, SCHED_OVERLAP_QUEUE, SCHED_OVERLAP_PARALLEL };

struct sched_spec {
	enum sched_kind kind;
	double every;             /* SCHED_EVERY: seconds */
	struct sched_cron cron;   /* SCHED_CRON */
	char on[32];              /* SCHED_ON: the event ("ingest") */
	double jitter;            /* seconds, a random delay in [0, jitter) per run */
	bool catch_up;
	double timeout;           /* seconds; 0: the plugin's limit */
	enum sched_overlap overlap;
	long max_parallel;        /* SCHED_OVERLAP_PARALLEL; at least 1 */
};

/* From a validated manifest job. 0, or -1 with err naming the job. */
int sched_spec_from_job(const struct plugin_job *job, struct sched_spec *s, char *err, size_t errlen);

/* The next scheduled time strictly after `after`, without jitter, or -1
 * (an event job, or a cron expression that never fires). */
double sched_next(const struct sched_spec *s, double after);

/* A random delay in [0, s->jitter); rng is the caller's xorshift state. */
double sched_jitter(const struct sched_spec *s, uint64_t *rng);

/* After downtime: the latest scheduled time in (last, now] that was missed,
 * if catch_up is set (one run stands for all missed ones); else -1. last is
 * the scheduled time of the job's last recorded run (<= 0: never ran: -1). */
double sched_missed(const struct sched_spec *s, double last, double now);

enum sched_decision { SCHED_RUN, SCHED_SKIP, SCHED_ENQUEUE };
/* What a due run does while `running` runs of the job are alive. */
enum sched_decision sched_overlap_decide(const struct sched_spec *s, long running);

const char *sched_overlap_name(enum sched_overlap o);

#endif
