// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: run functions against each other on real threads.
 *
 * Threads wake from a blocking barrier at scattered times, so each then
 * also spins until all of them are awake: the functions start within a
 * few hundred cycles of each other, and then a short spin that depends on
 * the thread and iteration shifts them against each other.
 */
#include <sched.h>
#include "internal.h"

struct racer {
	const struct shim_race *r;
	pthread_barrier_t *start, *done;
	unsigned long *awake;	/* threads past the start, in all */
	unsigned long iters;
	unsigned int idx, n;
	pthread_t tid;
};

/* A short busy wait, different per thread and iteration. */
static void jitter(unsigned int idx, unsigned long iter)
{
	unsigned long n = (iter * 2654435761UL + idx * 40503UL) % 512, i;

	for (i = 0; i < n; i++)
		__asm__ __volatile__("" ::: "memory");
}

static void *racer_main(void *p)
{
	struct racer *t = p;
	unsigned long i, spins;

	for (i = 0; i < t->iters; i++) {
		pthread_barrier_wait(t->start);
		__atomic_fetch_add(t->awake, 1, __ATOMIC_ACQ_REL);
		for (spins = 0; __atomic_load_n(t->awake, __ATOMIC_ACQUIRE) <
				(i + 1) * t->n; spins++)
			if (spins > 1000)
				sched_yield();	/* threads > CPUs */
		jitter(t->idx, i);
		t->r->fn[t->idx](t->r->arg, i);
		pthread_barrier_wait(t->done);
	}
	return NULL;
}

void shim_race(const struct shim_race *r, unsigned long iters)
{
	struct racer t[SHIM_RACE_MAX];
	pthread_barrier_t start, done;
	unsigned long awake = 0;
	unsigned int n = 0, k;
	unsigned long i;

	while (n < SHIM_RACE_MAX && r->fn[n])
		n++;
	if (!n)
		return;
	if (pthread_barrier_init(&start, NULL, n + 1) ||
	    pthread_barrier_init(&done, NULL, n + 1))
		shim_die("shim_race: barrier");
	shim_set_threaded(true);
	for (k = 0; k < n; k++) {
		t[k] = (struct racer){ .r = r, .start = &start, .done = &done,
				       .awake = &awake, .iters = iters,
				       .idx = k, .n = n };
		if (pthread_create(&t[k].tid, NULL, racer_main, &t[k]))
			shim_die("shim_race: pthread_create");
	}
	for (i = 0; i < iters; i++) {
		if (r->setup)
			r->setup(r->arg, i);
		pthread_barrier_wait(&start);
		pthread_barrier_wait(&done);
		if (r->check)
			r->check(r->arg, i);
	}
	for (k = 0; k < n; k++)
		pthread_join(t[k].tid, NULL);
	shim_set_threaded(false);
	pthread_barrier_destroy(&start);
	pthread_barrier_destroy(&done);
}

void shim_race2(void (*a)(void *arg, unsigned long iter),
		void (*b)(void *arg, unsigned long iter), void *arg,
		unsigned long iters)
{
	struct shim_race r = { .fn = { a, b }, .arg = arg };

	shim_race(&r, iters);
}
