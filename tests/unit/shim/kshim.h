/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small kernel-API shim so khoser's sources build as userspace programs.
 *
 * Memory: a simulated physical RAM (one big mapping) with a page allocator,
 * folios, and KHO preservation. shim_kexec() keeps preserved pages, wipes and
 * frees everything else (pages and kmalloc memory) and moves the published
 * subtrees to the "incoming" side, as a real kexec with KHO would.
 *
 * Failure injection: shim_fail_nth = N makes the N-th fallible call from then
 * on (allocation, preservation, subtree add) fail once.
 */
#ifndef _KHOSER_KSHIM_H
#define _KHOSER_KSHIM_H

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef u64 phys_addr_t;
typedef unsigned int gfp_t;

#define __packed __attribute__((packed))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define prefetch(p) __builtin_prefetch(p)
#undef static_assert
#define static_assert(expr, ...) _Static_assert(expr, #expr)
#define __init
#define __exit

#define GFP_KERNEL 0u

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGNED(x) (((u64)(x) & (PAGE_SIZE - 1)) == 0)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_PHYS(x) ((u64)(x) << PAGE_SHIFT)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define BIT(n) (1UL << (n))
#define U64_MAX UINT64_MAX
#define ilog2(n) (63 - __builtin_clzll((u64)(n)))	/* n > 0 */
static inline unsigned long __ffs(unsigned long x)	/* x != 0 */
{
	return __builtin_ctzl(x);
}
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

/* Errors as pointers. */
#define MAX_ERRNO 4095
static inline void *ERR_PTR(long e) { return (void *)e; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p)
{
	return (unsigned long)p >= (unsigned long)-MAX_ERRNO;
}

/* Exports and module glue. */
#define EXPORT_SYMBOL_GPL(sym) extern __typeof__(sym) sym

/* printk: every line is counted and the last one kept. */
#define KERN_ERR "3"
#define KERN_WARNING "4"
#define KERN_INFO "6"
#define KERN_DEBUG "7"
void shim_printk(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define pr_err(fmt, ...) shim_printk(KERN_ERR, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) shim_printk(KERN_WARNING, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) shim_printk(KERN_INFO, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) shim_printk(KERN_DEBUG, pr_fmt(fmt), ##__VA_ARGS__)
extern int shim_err_lines;	/* pr_err/pr_warn lines so far */
extern int shim_warns;		/* WARN()s hit (KHO primitives misused) */
void shim_warn(const char *what);	/* count (and with SHIM_LOG print) one */
extern char shim_last_log[512];

/* Lists. */
struct list_head {
	struct list_head *next, *prev;
};
#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}
static inline void list_del(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = (struct list_head *)0x100;
	e->prev = (struct list_head *)0x122;
}
static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}
static inline bool list_is_last(const struct list_head *e,
				const struct list_head *h)
{
	return e->next == h;
}
static inline bool list_is_first(const struct list_head *e,
				 const struct list_head *h)
{
	return e->prev == h;
}
#define list_entry(p, t, m) container_of(p, t, m)
#define list_first_entry(h, t, m) list_entry((h)->next, t, m)
#define list_last_entry(h, t, m) list_entry((h)->prev, t, m)
#define list_first_entry_or_null(h, t, m) \
	(list_empty(h) ? NULL : list_first_entry(h, t, m))
#define list_last_entry_or_null(h, t, m) \
	(list_empty(h) ? NULL : list_last_entry(h, t, m))
#define list_next_entry(p, m) list_entry((p)->m.next, __typeof__(*(p)), m)
#define list_prev_entry(p, m) list_entry((p)->m.prev, __typeof__(*(p)), m)
#define list_for_each_entry(p, h, m)					\
	for (p = list_first_entry(h, __typeof__(*p), m); &p->m != (h);	\
	     p = list_next_entry(p, m))
#define list_for_each_entry_safe(p, n, h, m)				\
	for (p = list_first_entry(h, __typeof__(*p), m),		\
	     n = list_next_entry(p, m); &p->m != (h);			\
	     p = n, n = list_next_entry(n, m))

/* Locks: single-threaded, but double locking and unbalanced unlocks abort. */
struct mutex {
	int locked;
};
#define DEFINE_MUTEX(n) struct mutex n = { 0 }
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
void mutex_destroy(struct mutex *m);

/* Allocation, counted per simulated boot and failure-injectable. */
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kvcalloc(size_t n, size_t size, gfp_t gfp);
void *kvmalloc_array(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);
void kvfree(const void *p);
#define kmalloc_obj(p, ...) ((__typeof__(p) *)kmalloc(sizeof(p), GFP_KERNEL))
#define kzalloc_obj(p, ...) ((__typeof__(p) *)kzalloc(sizeof(p), GFP_KERNEL))
extern long shim_fail_nth;	/* 0: off; N: the N-th fallible call fails */
extern long shim_fallible_calls;	/* fallible calls since reset */
extern bool shim_failed;	/* the injected failure happened */
void shim_fail_reset(long nth);
long shim_live_allocs(void);	/* kmalloc'd blocks alive in this boot */

/* Strings. */
ssize_t strscpy(char *dst, const char *src, size_t size);
ssize_t strscpy_pad(char *dst, const char *src, size_t size);
void *memchr_inv(const void *p, int c, size_t n);

/*
 * Simulated RAM, pages and folios. The RAM is a memfd, so vmap() can map its
 * pages a second time at another address, as the kernel's page tables do.
 */
struct folio;
struct page {
	unsigned long private;	/* KHO's mark on incoming preserved pages */
};
struct page *pfn_to_online_page(unsigned long pfn);
struct page *pfn_to_page(unsigned long pfn);
unsigned long page_to_pfn(const struct page *page);
struct page *virt_to_page(const void *v);
void *page_address(const struct page *page);
#define page_to_phys(p) PFN_PHYS(page_to_pfn(p))
struct page *alloc_pages(gfp_t gfp, unsigned int order);	/* fallible */
void split_page(struct page *page, unsigned int order);	/* to order 0 */
void __free_page(struct page *page);
extern unsigned char *shim_ram;
extern unsigned long shim_ram_pages;
#define SHIM_RAM_BASE 0x100000ULL	/* phys of the first RAM page */
u64 virt_to_phys(const void *v);
void *phys_to_virt(u64 phys);
bool pfn_valid(unsigned long pfn);
bool page_is_ram(unsigned long pfn);
void *folio_address(const struct folio *f);
struct folio *virt_to_folio(const void *v);
unsigned int folio_order(const struct folio *f);
void folio_put(struct folio *f);
long shim_used_pages(void);	/* allocated pages */
long shim_unclaimed_pages(void);	/* preserved by the last boot, unclaimed */
long shim_preserved_pages(void);	/* preserved for the next boot */
void *shim_alloc_pages(unsigned int order);	/* plain, unpreserved */

/* Virtual mappings: vmalloc() and vmap() areas, dropped at kexec. */
#define PAGE_KERNEL 0
#define VM_MAP 0x4UL
#define VM_MAP_PUT_PAGES 0x200UL	/* vfree() frees the pages and array */
void *vmalloc(unsigned long size);	/* order-0 pages, fallible */
void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   int prot);	/* fallible */
void vunmap(const void *addr);
void vfree(const void *addr);
struct page *vmalloc_to_page(const void *addr);
bool is_vmalloc_addr(const void *addr);
long shim_vmap_areas(void);	/* vmalloc/vmap areas alive */

/* Boots. */
void shim_boot(bool kho_enabled);	/* first boot: empty RAM */
void shim_kexec(bool kho_enabled);	/* next boot: keep preserved memory */
void shim_fini(void);

#endif /* _KHOSER_KSHIM_H */
