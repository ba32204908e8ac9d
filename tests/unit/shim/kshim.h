/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small kernel-API shim so khoser's sources build as userspace programs.
 * This is the one header tests include (through test.h); the kernel APIs of
 * debugfs, seq_file, notifiers, reboot and modules live in their own
 * <linux/...> stand-ins under include/, with their test hooks.
 *
 * Memory: a simulated physical RAM (one big mapping) with a page allocator,
 * folios, and KHO preservation modelled on Linux 7.2 (kho.c says how).
 * shim_kexec() runs the reboot notifiers, keeps preserved pages, wipes and
 * frees everything else (pages and kmalloc memory), marks the first page of
 * every preserved range as KHO does, and moves the published subtrees to
 * the "incoming" side, as a real kexec with KHO would.
 *
 * Threads: mutexes are real, and shim_race() runs functions against each
 * other on real threads; while it does, every shim facility takes the
 * shim's lock (before and after, the main thread is alone and skips it).
 * Using the shim from a thread shim_race() did not start aborts.
 *
 * Failure injection: shim_fail_nth = N makes the N-th fallible call from then
 * on (allocation, preservation, subtree add) fail once.
 *
 * Misuse the kernel would turn into memory corruption (a double free, a
 * page restored twice, a lock taken twice) aborts with a "shim: " message.
 */
#ifndef _KHOSER_KSHIM_H
#define _KHOSER_KSHIM_H

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
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
#define noinline __attribute__((__noinline__))
/*
 * As x86-64's: prefetchnta for reads, prefetchw for writes, each an asm
 * statement the compiler keeps (a function holding only
 * __builtin_prefetch() calls counts as pure, and its calls are dropped).
 */
#ifdef __x86_64__
static inline void prefetch(const void *p)
{
	asm volatile("prefetchnta %0" : : "m" (*(const char *)p));
}

static inline void prefetchw(const void *p)
{
	asm volatile("prefetchw %0" : : "m" (*(const char *)p));
}
#else
#define prefetch(p) __builtin_prefetch((p), 0, 0)
#define prefetchw(p) __builtin_prefetch((p), 1, 3)
#endif
#undef static_assert
#define static_assert(expr, ...) _Static_assert(expr, #expr)
#define __init
#define __exit
#define __initdata
#define __user
#define __must_check __attribute__((warn_unused_result))
#define __printf(a, b) __attribute__((format(printf, a, b)))

#define GFP_KERNEL 0u
#define __GFP_NOWARN 0x1u
#define __GFP_ZERO 0x2u
#define __GFP_NORETRY 0x4u

/*
 * The page size is a build parameter: -DSHIM_PAGE_SHIFT=16 builds for
 * arm64's 64 KiB pages (tests/unit/Makefile's san64k and fuzz64k
 * flavours); the default, 12, is x86-64's 4 KiB. MAX_PAGE_ORDER follows
 * the architecture's 7.2 Kconfig: x86-64 (and arm64 with 4 KiB pages) 10;
 * arm64 with 64 KiB pages 13 (ARCH_FORCE_MAX_ORDER, ARM64_64K_PAGES).
 */
#ifndef SHIM_PAGE_SHIFT
#define SHIM_PAGE_SHIFT 12
#endif
#define PAGE_SHIFT SHIM_PAGE_SHIFT
#if PAGE_SHIFT == 12
#define MAX_PAGE_ORDER 10	/* x86-64's, arm64's with 4 KiB pages */
#elif PAGE_SHIFT == 16
#define MAX_PAGE_ORDER 13	/* arm64's with 64 KiB pages */
#else
#error "SHIM_PAGE_SHIFT: 12 (4 KiB pages) or 16 (64 KiB pages)"
#endif
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGNED(x) (((u64)(x) & (PAGE_SIZE - 1)) == 0)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_PHYS(x) ((u64)(x) << PAGE_SHIFT)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define DIV_ROUND_UP_ULL(n, d) DIV_ROUND_UP((unsigned long long)(n), (d))
#define ALIGN(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define BIT(n) (1UL << (n))
#define U64_MAX UINT64_MAX
#define ilog2(n) (63 - __builtin_clzll((u64)(n)))	/* n > 0 */
static inline unsigned long __ffs(unsigned long x)	/* x != 0 */
{
	return __builtin_ctzl(x);
}
/* As the kernel's: each argument evaluated once (READ_ONCE() in one). */
#define min(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
		     _a < _b ? _a : _b; })
#define max(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
		     _a > _b ? _a : _b; })
#define max3(a, b, c) max(max(a, b), c)
#define min_t(t, a, b) ({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })
#define max_t(t, a, b) ({ t _a = (a); t _b = (b); _a > _b ? _a : _b; })
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
static inline bool IS_ERR_OR_NULL(const void *p)
{
	return !p || IS_ERR(p);
}

/* Exports and module glue (the rest: linux/module.h here). */
#define EXPORT_SYMBOL_GPL(sym) extern __typeof__(sym) sym
struct module;
#define THIS_MODULE ((struct module *)0)

/*
 * printk (printk.c): every line is counted and the last one kept. WARN()s
 * of the kernel APIs the shim models are counted as well (each time, where
 * the kernel's WARN_ON_ONCE reports once per boot).
 */
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
extern int shim_warns;		/* WARN()s hit (kernel APIs misused) */
void shim_warn(const char *what);	/* count (and with SHIM_LOG print) one */
extern char shim_last_log[512];
/* Report misuse the kernel would turn into corruption, and abort. */
void shim_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

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
static inline void list_add(struct list_head *n, struct list_head *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
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

/*
 * Locks (lock.c): real pthread mutexes with the kernel's debug checks
 * (CONFIG_DEBUG_MUTEXES, lockdep). A recursive lock (a deadlock in the
 * kernel), an unlock by another thread or of a free mutex, a destroy while
 * held, a use before mutex_init() or after mutex_destroy() abort with a
 * message; so does a lock not taken within SHIM_DEADLOCK_SECONDS (default
 * 120), as a hung-task report would.
 */
struct mutex {
	pthread_mutex_t lock;
	unsigned long owner;	/* pthread_self() of the holder, 0: free */
	const struct mutex *magic;	/* itself once initialized */
};
#define __MUTEX_INITIALIZER(n) { PTHREAD_MUTEX_INITIALIZER, 0, &(n) }
#define DEFINE_MUTEX(n) struct mutex n = __MUTEX_INITIALIZER(n)
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
int mutex_trylock(struct mutex *m);	/* 1: taken */
void mutex_unlock(struct mutex *m);
void mutex_destroy(struct mutex *m);
bool mutex_is_locked(struct mutex *m);	/* by anyone */
void shim_lockdep_assert(struct mutex *m, bool held, const char *what);
#define lockdep_assert_held(m) shim_lockdep_assert(m, true, #m)
#define lockdep_assert_not_held(m) shim_lockdep_assert(m, false, #m)
#define might_sleep() do { } while (0)

/* Scope-based locking, as <linux/cleanup.h>: guard(mutex)(&m). */
#define __cleanup(f) __attribute__((cleanup(f)))
#define __PASTE_(a, b) a##b
#define __PASTE(a, b) __PASTE_(a, b)
#define __UNIQUE_ID(p) __PASTE(__PASTE(__UNIQUE_ID_, p), __COUNTER__)
#define DEFINE_GUARD(name, type, lock, unlock)				\
	typedef type class_##name##_t;					\
	static inline void class_##name##_destructor(type *p)		\
	{								\
		type _T = *p;						\
		if (_T) {						\
			unlock;						\
		}							\
	}								\
	static inline type class_##name##_constructor(type _T)		\
	{								\
		lock;							\
		return _T;						\
	}
#define CLASS(name, var)						\
	class_##name##_t var __cleanup(class_##name##_destructor) =	\
		class_##name##_constructor
#define guard(name) CLASS(name, __UNIQUE_ID(guard))
#define scoped_guard(name, ...)						\
	for (CLASS(name, scope)(__VA_ARGS__), *done = NULL; !done;	\
	     done = (void *)1)
DEFINE_GUARD(mutex, struct mutex *, mutex_lock(_T), mutex_unlock(_T))

/*
 * Races (thread.c): run up to SHIM_RACE_MAX functions at once, each on its
 * own thread, @iters times. Each iteration: @setup (if any) runs alone;
 * then all threads leave a start barrier together and call their fn (after
 * a short spin that varies with thread and iteration, to vary the
 * interleaving); once all returned, @check (if any) runs alone. Every
 * callback gets @arg and the iteration number; unused fn[] slots are NULL.
 */
#define SHIM_RACE_MAX 8
struct shim_race {
	void (*setup)(void *arg, unsigned long iter);
	void (*fn[SHIM_RACE_MAX])(void *arg, unsigned long iter);
	void (*check)(void *arg, unsigned long iter);
	void *arg;
};
void shim_race(const struct shim_race *r, unsigned long iters);
/* Two functions at once, @iters times, no setup or check. */
void shim_race2(void (*a)(void *arg, unsigned long iter),
		void (*b)(void *arg, unsigned long iter), void *arg,
		unsigned long iters);

/*
 * Allocation (slab.c), counted per simulated boot and failure-injectable,
 * with the kernel's limits: kmalloc() above KMALLOC_MAX_SIZE and kvmalloc()
 * above INT_MAX bytes WARN and fail; a zero size gets ZERO_SIZE_PTR.
 */
#define KMALLOC_MAX_SIZE (1UL << (MAX_PAGE_ORDER + PAGE_SHIFT))
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(p) ((unsigned long)(p) <= (unsigned long)ZERO_SIZE_PTR)
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kvmalloc(size_t size, gfp_t gfp);
void *kvzalloc(size_t size, gfp_t gfp);
void *kvcalloc(size_t n, size_t size, gfp_t gfp);
void *kvmalloc_array(size_t n, size_t size, gfp_t gfp);
void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);
void kvfree(const void *p);
#define kmalloc_obj(p, ...) ((__typeof__(p) *)kmalloc(sizeof(p), GFP_KERNEL))
#define kzalloc_obj(p, ...) ((__typeof__(p) *)kzalloc(sizeof(p), GFP_KERNEL))

/* Failure injection (fail.c). */
extern long shim_fail_nth;	/* 0: off; N: the N-th fallible call fails */
extern long shim_fallible_calls;	/* fallible calls since reset */
extern bool shim_failed;	/* the injected failure happened */
void shim_fail_reset(long nth);
long shim_live_allocs(void);	/* kmalloc'd blocks alive in this boot */
/* Bytes of the largest kmalloc'd block since a test last zeroed this. */
extern size_t shim_alloc_largest;

/* Strings (lib.c). */
ssize_t strscpy(char *dst, const char *src, size_t size);
ssize_t strscpy_pad(char *dst, const char *src, size_t size);
void *memchr_inv(const void *p, int c, size_t n);
int scnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Simulated RAM, pages and folios (mm.c). The RAM is a memfd, so vmap() can
 * map its pages a second time at another address, as the kernel's page
 * tables do. Allocator state (free, allocated, kept by KHO) is tracked per
 * page apart from page->private, which KHO alone uses here.
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
struct folio *folio_alloc(gfp_t gfp, unsigned int order);	/* fallible */
void split_page(struct page *page, unsigned int order);	/* to order 0 */
void __free_page(struct page *page);
extern unsigned char *shim_ram;
extern unsigned long shim_ram_pages;
#define SHIM_RAM_BASE 0x100000ULL	/* phys of the first RAM page */
u64 virt_to_phys(const void *v);
void *phys_to_virt(u64 phys);
#define __pa(v) virt_to_phys(v)
#define __va(p) phys_to_virt(p)
bool pfn_valid(unsigned long pfn);
bool page_is_ram(unsigned long pfn);
void *folio_address(const struct folio *f);
struct folio *virt_to_folio(const void *v);
struct folio *page_folio(const struct page *page);
struct page *folio_page(struct folio *f, unsigned long n);
unsigned long folio_pfn(const struct folio *f);
unsigned int folio_order(const struct folio *f);
void folio_put(struct folio *f);
long shim_used_pages(void);	/* pages allocated or kept by KHO */
long shim_unclaimed_pages(void);	/* kept by KHO, not restored yet */
long shim_preserved_pages(void);	/* preserved for the next boot */
void *shim_alloc_pages(unsigned int order);	/* plain, unpreserved */
/* Fragmentation: allocations above this order fail (default MAX_PAGE_ORDER). */
extern unsigned int shim_frag_order;

/*
 * KHO test hooks (kho.c). The KHO API itself is <linux/kexec_handover.h>.
 * KHO's mark in page->private: { u32 order, u32 magic 'KHOP' } (64-bit LE).
 */
#define SHIM_KHO_MAGIC 0x4b484f50U
#define SHIM_KHO_MARK(order) \
	((unsigned long)SHIM_KHO_MAGIC << 32 | (unsigned int)(order))
/* Whether @pfn's page carries KHO's mark; its order in @order if so. */
bool shim_kho_marked(unsigned long pfn, unsigned int *order);
/* Whether (@pfn, @order) is recorded for the next kernel (a radix bit). */
bool shim_kho_preserved(unsigned long pfn, unsigned int order);
/* Bytes left in the outgoing KHO FDT (one page) for more subtrees. */
long shim_kho_fdt_room(void);

/* Virtual mappings (vm.c): vmalloc() and vmap() areas, dropped at kexec. */
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

/*
 * Boots (boot.c). shim_kexec() first calls the reboot notifiers with
 * SYS_RESTART, as kernel_kexec() does; the module (if loaded), debugfs and
 * notifiers of the old kernel are gone in the new one. A handover happens
 * when the old kernel had KHO enabled: then the new kernel is a KHO boot
 * and keeps the preserved memory even with @kho_enabled false.
 */
void shim_boot(bool kho_enabled);	/* first boot: empty RAM */
void shim_kexec(bool kho_enabled);	/* next boot: keep preserved memory */
void shim_fini(void);

/*
 * The module (main.c's module_init()/module_exit(), see linux/module.h):
 * load and unload it; loading twice or unloading when not loaded aborts.
 */
int shim_module_init(void);
void shim_module_exit(void);
bool shim_module_loaded(void);

#endif /* _KHOSER_KSHIM_H */
