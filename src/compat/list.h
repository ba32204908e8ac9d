/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * List helpers that older trees lack (list_last_entry_or_null() appeared
 * in 6.4); probed by the macro's presence, not by version.
 */
#ifndef _KHOSER_COMPAT_LIST_H
#define _KHOSER_COMPAT_LIST_H

#include <linux/list.h>

#ifndef list_last_entry_or_null
#define list_last_entry_or_null(ptr, type, member) ({			\
	struct list_head *head__ = (ptr);				\
	struct list_head *pos__ = READ_ONCE(head__->prev);		\
	pos__ != head__ ? list_entry(pos__, type, member) : NULL;	\
})
#endif

#endif /* _KHOSER_COMPAT_LIST_H */
