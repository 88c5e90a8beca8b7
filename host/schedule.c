/* schedule.c: job schedules (see schedule.h). Cron parsing and the calendar walk
 * live in sched_cron.c; this file turns a manifest job into a schedule and
 * answers the loop's questions: when next, what was missed, run or skip. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule.h"

int sched_spec_from_job(const struct plugin_job *job, struct sched_spec *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	const char *name = job->name ? job->name : "?";
	if (job->every) {
		s->kind = SCHED_EVERY;
		s->every = plugin_parse_duration(job->every);
		if (s->every <= 0) {
			snprintf(err, errlen, "job %s: every = '%s' is not a duration", name, job->every);
			return -1;
		}
	} else if (job->cron) {
		s->kind = SCHED_CRON;
		char why[200];
		if (sched_cron_parse(job->cron, &s->cron, why, sizeof why)) {
			snprintf(err, errlen, "job %s: %s", name, why);
			return -1;
		}
	} else if (job->on) {
		s->kind = SCHED_ON;
		snprintf(s->on, sizeof s->on, "%s", job->on);
	} else {
		snprintf(err, errlen, "job %s: no every, cron or on", name);
		return -1;
	}
	s->jitter = job->jitter;
	s->catch_up = job->catch_up;
	s->timeout = job->timeout;
	s->overlap = SCHED_OVERLAP_SKIP;
	s->max_parallel = 1;
	if (job->overlap && strcmp(job->overlap, "queue") == 0)
		s->overlap = SCHED_OVERLAP_QUEUE;
	else if (job->overlap && strcmp(job->overlap, "parallel") == 0) {
		s->overlap = SCHED_OVERLAP_PARALLEL;
		s->max_parallel = job->max_parallel > 0 ? job->max_parallel : 1;
	}
	return 0;
}

double sched_next(const struct sched_spec *s, double after)
{
	switch (s->kind) {
	case SCHED_EVERY:
		return after + s->every;
	case SCHED_CRON: {
		time_t t = sched_cron_next(&s->cron, (time_t)floor(after));
		return t == (time_t)-1 ? -1 : (double)t;
	}
	case SCHED_ON:
		break;
	}
	return -1;
}

double sched_jitter(const struct sched_spec *s, uint64_t *rng)
{
	if (s->jitter <= 0)
		return 0;
	uint64_t x = *rng ? *rng : 0x9e3779b97f4a7c15ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*rng = x;
	return s->jitter * (double)(x >> 11) / (double)(1ull << 53);
}

double sched_missed(const struct sched_spec *s, double last, double now)
{
	if (!s->catch_up || last <= 0 || s->kind == SCHED_ON)
		return -1;
	if (s->kind == SCHED_EVERY) {
		if (last + s->every > now)
			return -1;
		return last + floor((now - last) / s->every) * s->every;
	}
	/* Look at the last eight days first: a frequent schedule is found there
	 * in few steps; only a rare one (monthly, yearly) walks from last. */
	double missed = -1, week = 8 * 86400.0;
	for (int pass = 0; pass < 2 && missed < 0; pass++) {
		double from = pass == 0 && now - last > week ? now - week : last;
		for (double t = sched_next(s, from); t > 0 && t <= now; t = sched_next(s, t))
			missed = t;
		if (from == last)
			break;
	}
	return missed;
}

enum sched_decision sched_overlap_decide(const struct sched_spec *s, long running)
{
	switch (s->overlap) {
	case SCHED_OVERLAP_SKIP: return running > 0 ? SCHED_SKIP : SCHED_RUN;
	case SCHED_OVERLAP_QUEUE: return running > 0 ? SCHED_ENQUEUE : SCHED_RUN;
	case SCHED_OVERLAP_PARALLEL: return running >= s->max_parallel ? SCHED_SKIP : SCHED_RUN;
	}
	return SCHED_SKIP;
}

const char *sched_overlap_name(enum sched_overlap o)
{
	switch (o) {
	case SCHED_OVERLAP_SKIP: return "skip";
	case SCHED_OVERLAP_QUEUE: return "queue";
	case SCHED_OVERLAP_PARALLEL: return "parallel";
	}
	return "?";
}
