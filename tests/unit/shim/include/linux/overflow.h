/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for <linux/overflow.h>: checked arithmetic as Linux
 * 7.2's. Each helper stores the (wrapped) result in *@d and is true when it
 * did not fit: add, sub and mul are the compiler builtins there too;
 * check_shl_overflow() is true as well for a shift of @s >= the width of
 * *@d or negative (*@d then @a unshifted), a negative @a or result, and
 * bits shifted out. The kernel includes it from <linux/mm.h>,
 * <linux/slab.h> and <linux/string.h>, and so does the shim.
 */
#ifndef _KHOSER_SHIM_OVERFLOW_H
#define _KHOSER_SHIM_OVERFLOW_H

#include "../../kshim.h"

static inline bool __must_check __must_check_overflow(bool overflow)
{
	return unlikely(overflow);
}

/* Without a comparison the compiler calls always true for unsigned types. */
#define shim_is_non_negative(a) ((a) > 0 || (a) == 0)
#define shim_is_negative(a) (!shim_is_non_negative(a))

#define check_add_overflow(a, b, d) \
	__must_check_overflow(__builtin_add_overflow(a, b, d))
#define check_sub_overflow(a, b, d) \
	__must_check_overflow(__builtin_sub_overflow(a, b, d))
#define check_mul_overflow(a, b, d) \
	__must_check_overflow(__builtin_mul_overflow(a, b, d))

#define check_shl_overflow(a, s, d) __must_check_overflow(({		\
	__typeof__(a) _a = (a);						\
	__typeof__(s) _s = (s);						\
	__typeof__(d) _d = (d);						\
	unsigned long long _a_full = _a;				\
	unsigned int _to_shift =					\
		shim_is_non_negative(_s) && _s < 8 * sizeof(*_d) ? _s : 0; \
	*_d = (_a_full << _to_shift);					\
	(_to_shift != _s || shim_is_negative(*_d) ||			\
	 shim_is_negative(_a) || (*_d >> _to_shift) != _a);		\
}))

#endif /* _KHOSER_SHIM_OVERFLOW_H */
