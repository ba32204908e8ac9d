/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lifecycle checks every structure shares (include/khoser/state.h),
 * and the one format of a refusal on restore.
 */
#ifndef _KHOSER_LIFE_H
#define _KHOSER_LIFE_H

#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <khoser/state.h>

/*
 * Initialize @life (and its lock) in @state, unpublished. A macro, so that
 * each structure's lock has its own lockdep class (a vbuf's lock is held
 * while its chunk list's is taken).
 */
#define khoser_life_init(life, _state) do {				\
	struct khoser_life *life__ = (life);				\
									\
	mutex_init(&life__->lock);					\
	life__->state = (_state);					\
	life__->published = false;					\
} while (0)

int khoser_life_check(const struct khoser_life *life, const char *what,
		      const char *op, bool write);
int khoser_life_check_idle(const struct khoser_life *life, const char *what,
			   const char *op, bool empty);
int khoser_life_lock(struct khoser_life *life, const char *what,
		     const char *op, bool write);
int khoser_life_lock_idle(struct khoser_life *life, const char *what,
			  const char *op);
int khoser_life_set_bound(struct khoser_life *life, const char *what,
			  const char *op, unsigned long *bound,
			  const unsigned long *size, unsigned long max);

/*
 * Log why restoring @label was refused: @why is "reason-word: text" (the
 * word is stable, for tools and tests), @fmt says where.
 */
#define khoser_refused(label, why, fmt, ...)				\
	pr_err("%s: refused: %s (" fmt ")\n", label, why, ##__VA_ARGS__)

/* Whether "reason-word: text" @why has the reason word @word. */
static inline bool khoser_why_is(const char *why, const char *word)
{
	size_t n = strlen(word);

	return why && !strncmp(why, word, n) && why[n] == ':';
}

#endif /* _KHOSER_LIFE_H */
