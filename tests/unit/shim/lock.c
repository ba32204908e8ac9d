// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: struct mutex on pthread mutexes, with the checks of
 * CONFIG_DEBUG_MUTEXES and lockdep turned into aborts, and the shim's own
 * lock.
 *
 * The owner is kept next to the pthread mutex (as the kernel keeps
 * mutex->owner): it is written only by the holder, read by anyone with
 * atomic loads.
 */
#include <time.h>
#include "internal.h"

/*
 * The shim lock is taken only while shim_race() threads run: before and
 * after, the main thread is alone and skips it (the unit benchmarks count
 * instructions through the shim). Any other thread using the shim outside
 * shim_race() is reported, so no test races the shim unknowingly.
 */
static pthread_mutex_t shim_big = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static bool threaded;
static pthread_t main_thread;
static __thread signed char on_main;	/* 0: unknown, 1: yes, -1: no */

__attribute__((constructor)) static void shim_lock_init(void)
{
	main_thread = pthread_self();
}

static bool is_main(void)
{
	if (!on_main)
		on_main = pthread_equal(pthread_self(), main_thread) ? 1 : -1;
	return on_main > 0;
}

void shim_set_threaded(bool on)
{
	__atomic_store_n(&threaded, on, __ATOMIC_RELEASE);
}

void shim_lock(void)
{
	if (!__atomic_load_n(&threaded, __ATOMIC_ACQUIRE)) {
		if (!is_main())
			shim_die("shim used from a thread shim_race() did not start");
		return;
	}
	if (pthread_mutex_lock(&shim_big))
		shim_die("shim lock failed");
}

void shim_unlock(void)
{
	if (!__atomic_load_n(&threaded, __ATOMIC_ACQUIRE))
		return;
	if (pthread_mutex_unlock(&shim_big))
		shim_die("shim unlock failed");
}

static unsigned long self(void)
{
	return (unsigned long)pthread_self();
}

static unsigned long owner_of(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_ACQUIRE);
}

static void check_magic(struct mutex *m, const char *op)
{
	if (__atomic_load_n(&m->magic, __ATOMIC_ACQUIRE) != m)
		shim_die("%s(%p): mutex not initialized, destroyed, or moved",
			 op, (void *)m);
}

void mutex_init(struct mutex *m)
{
	if (pthread_mutex_init(&m->lock, NULL))
		shim_die("mutex_init(%p) failed", (void *)m);
	m->owner = 0;
	__atomic_store_n(&m->magic, m, __ATOMIC_RELEASE);
}

/* Read once, before any thread runs: getenv() costs more than a lock. */
static long deadlock_secs = 120;

__attribute__((constructor)) static void deadlock_seconds_init(void)
{
	const char *s = getenv("SHIM_DEADLOCK_SECONDS");

	if (s && atol(s) > 0)
		deadlock_secs = atol(s);
}

static long deadlock_seconds(void)
{
	return deadlock_secs;
}

void mutex_lock(struct mutex *m)
{
	struct timespec ts;
	int err;

	check_magic(m, "mutex_lock");
	if (owner_of(m) == self())
		shim_die("mutex_lock(%p): recursive locking, the kernel would deadlock",
			 (void *)m);
	/* Uncontended: taken at once, as the kernel's fast path. */
	err = pthread_mutex_trylock(&m->lock);
	if (err == EBUSY) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += deadlock_seconds();
		err = pthread_mutex_timedlock(&m->lock, &ts);
	}
	if (err == ETIMEDOUT)
		shim_die("mutex_lock(%p): not taken in %ld s: deadlock?",
			 (void *)m, deadlock_seconds());
	if (err)
		shim_die("mutex_lock(%p): error %d", (void *)m, err);
	__atomic_store_n(&m->owner, self(), __ATOMIC_RELEASE);
}

int mutex_trylock(struct mutex *m)
{
	check_magic(m, "mutex_trylock");
	if (pthread_mutex_trylock(&m->lock))
		return 0;
	__atomic_store_n(&m->owner, self(), __ATOMIC_RELEASE);
	return 1;
}

void mutex_unlock(struct mutex *m)
{
	unsigned long o;

	check_magic(m, "mutex_unlock");
	o = owner_of(m);
	if (!o)
		shim_die("mutex_unlock(%p): mutex not locked", (void *)m);
	if (o != self())
		shim_die("mutex_unlock(%p): unlocked by a thread that does not hold it",
			 (void *)m);
	__atomic_store_n(&m->owner, 0, __ATOMIC_RELEASE);
	if (pthread_mutex_unlock(&m->lock))
		shim_die("mutex_unlock(%p) failed", (void *)m);
}

void mutex_destroy(struct mutex *m)
{
	check_magic(m, "mutex_destroy");
	if (owner_of(m))
		shim_die("mutex_destroy(%p): mutex is held", (void *)m);
	if (pthread_mutex_destroy(&m->lock))
		shim_die("mutex_destroy(%p) failed", (void *)m);
	__atomic_store_n(&m->magic, NULL, __ATOMIC_RELEASE);
}

bool mutex_is_locked(struct mutex *m)
{
	check_magic(m, "mutex_is_locked");
	return owner_of(m) != 0;
}

void shim_lockdep_assert(struct mutex *m, bool held, const char *what)
{
	check_magic(m, "lockdep_assert");
	if ((owner_of(m) == self()) != held)
		shim_die("lockdep: %s %s by this thread", what,
			 held ? "not held" : "held");
}
