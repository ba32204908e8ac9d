// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: simulated RAM, page allocator, KHO preservation and
 * subtrees, vmalloc/vmap, kmalloc with failure injection, printk capture.
 */
#include <stdarg.h>
#include <unistd.h>
#include <sys/mman.h>
#include "kshim.h"
#include "internal.h"
#include <linux/kexec_handover.h>

#define RAM_PAGES (1UL << 21)	/* 8 GiB of address space, touched lazily */
#define POISON 0x6b

unsigned char *shim_ram;
int shim_ram_fd = -1;	/* the memfd behind shim_ram (and every vmap) */
unsigned long shim_ram_pages = RAM_PAGES;	/* may be lowered before the first boot */

int shim_err_lines;
int shim_warns;
char shim_last_log[512];
long shim_fail_nth;
long shim_fallible_calls;
bool shim_failed;

enum { KHO_NONE, KHO_IN };

/*
 * Per RAM page. Allocations (used/head/order) and preservations for the
 * next kernel (out/porder/pcov) are tracked apart, as in the kernel: pages
 * of one allocation can be preserved as several ranges and the other way
 * round. At kexec every preservation becomes one incoming allocation.
 */
struct pmeta {
	u8 used;	/* part of an allocation */
	u8 head;	/* first page of that allocation */
	u8 order;	/* head: allocation order */
	u8 kho;		/* head: KHO_IN preserved by the last boot, unclaimed */
	u8 out;		/* first page of a preservation for the next boot */
	u8 porder;	/* out: order of that preservation */
	u8 pcov;	/* covered by a preservation for the next boot */
};

struct folio {
	int unused;
};

static struct pmeta *meta;
static struct page *pages;

/* KHO's page->private mark: { order, magic 'KHOP' } on a 64-bit LE host. */
#define KHO_MARK(order) (0x4b484f50UL << 32 | (order))
static struct folio *folios;
static unsigned long cursor;
static bool kho_on;
static long generation;

/* --- printk ------------------------------------------------------------ */

void shim_printk(const char *level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(shim_last_log, sizeof(shim_last_log), fmt, ap);
	va_end(ap);
	if (level[0] <= '4')
		shim_err_lines++;
	if (getenv("SHIM_LOG"))
		fprintf(stderr, "<%s>%s", level, shim_last_log);
}

void shim_warn(const char *what)
{
	shim_warns++;
	if (getenv("SHIM_LOG"))
		fprintf(stderr, "WARNING: %s\n", what);
}

/* --- failure injection --------------------------------------------------- */

void shim_fail_reset(long nth)
{
	shim_fail_nth = nth;
	shim_fallible_calls = 0;
	shim_failed = false;
}

bool shim_should_fail(void)
{
	shim_fallible_calls++;
	if (shim_fail_nth && shim_fallible_calls == shim_fail_nth) {
		shim_failed = true;
		return true;
	}
	return false;
}

/* --- locks --------------------------------------------------------------- */

void mutex_init(struct mutex *m)
{
	m->locked = 0;
}

void mutex_lock(struct mutex *m)
{
	if (m->locked) {
		fprintf(stderr, "shim: mutex locked twice\n");
		abort();
	}
	m->locked = 1;
}

void mutex_unlock(struct mutex *m)
{
	if (!m->locked) {
		fprintf(stderr, "shim: mutex unlocked while not held\n");
		abort();
	}
	m->locked = 0;
}

void mutex_destroy(struct mutex *m)
{
	if (m->locked) {
		fprintf(stderr, "shim: mutex destroyed while held\n");
		abort();
	}
}

/* --- kmalloc ------------------------------------------------------------- */

struct ahdr {
	struct ahdr *next, *prev;
	long gen;
	size_t size;
	long long pad;
};

static struct ahdr allocs = { &allocs, &allocs, 0, 0, 0 };
static long live_allocs;

void *kmalloc(size_t size, gfp_t gfp)
{
	struct ahdr *h;

	(void)gfp;
	if (shim_should_fail())
		return NULL;
	h = malloc(sizeof(*h) + size);
	if (!h)
		abort();
	h->gen = generation;
	h->size = size;
	h->next = allocs.next;
	h->prev = &allocs;
	allocs.next->prev = h;
	allocs.next = h;
	live_allocs++;
	memset(h + 1, 0xa5, size);
	return h + 1;
}

void *kzalloc(size_t size, gfp_t gfp)
{
	void *p = kmalloc(size, gfp);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size, gfp);
}

void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kmalloc(n * size, gfp);
}

static void unlink_free(struct ahdr *h)
{
	h->prev->next = h->next;
	h->next->prev = h->prev;
	if (h->gen == generation)
		live_allocs--;
	free(h);
}

void kfree(const void *p)
{
	struct ahdr *h;

	if (!p)
		return;
	h = (struct ahdr *)p - 1;
	if (h->gen != generation) {
		fprintf(stderr, "shim: kfree of memory from an earlier boot\n");
		abort();
	}
	unlink_free(h);
}

void kvfree(const void *p)
{
	kfree(p);
}

long shim_live_allocs(void)
{
	return live_allocs;
}

/* --- strings ------------------------------------------------------------- */

ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size);

	if (!size)
		return -E2BIG;
	if (n == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, n + 1);
	return n;
}

ssize_t strscpy_pad(char *dst, const char *src, size_t size)
{
	ssize_t r = strscpy(dst, src, size);
	size_t n = r < 0 ? size - 1 : (size_t)r;

	if (size)
		memset(dst + n, 0, size - n);
	return r;
}

void *memchr_inv(const void *p, int c, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != (unsigned char)c)
			return (void *)(s + i);
	return NULL;
}

/* --- RAM and pages --------------------------------------------------------- */

u64 virt_to_phys(const void *v)
{
	const unsigned char *p = v;

	/* Only the linear map has a linear physical address (not vmap). */
	if (p < shim_ram || p >= shim_ram + (shim_ram_pages << PAGE_SHIFT)) {
		fprintf(stderr, "shim: virt_to_phys of a non-linear address\n");
		abort();
	}
	return SHIM_RAM_BASE + (u64)(p - shim_ram);
}

void *phys_to_virt(u64 phys)
{
	return shim_ram + (phys - SHIM_RAM_BASE);
}

static long pfn_index(unsigned long pfn)
{
	unsigned long first = SHIM_RAM_BASE >> PAGE_SHIFT;

	if (pfn < first || pfn - first >= shim_ram_pages)
		return -1;
	return pfn - first;
}

struct page *pfn_to_online_page(unsigned long pfn)
{
	long i = pfn_index(pfn);

	return i < 0 ? NULL : &pages[i];
}

bool pfn_valid(unsigned long pfn)
{
	return pfn_index(pfn) >= 0;
}

bool page_is_ram(unsigned long pfn)
{
	return pfn_valid(pfn);
}

static unsigned long virt_index(const void *v)
{
	return (unsigned long)(((const unsigned char *)v - shim_ram) >>
			       PAGE_SHIFT);
}

#define FIRST_PFN (SHIM_RAM_BASE >> PAGE_SHIFT)

struct page *pfn_to_page(unsigned long pfn)
{
	long i = pfn_index(pfn);

	if (i < 0) {
		fprintf(stderr, "shim: pfn_to_page outside RAM\n");
		abort();
	}
	return &pages[i];
}

unsigned long page_to_pfn(const struct page *page)
{
	return FIRST_PFN + (unsigned long)(page - pages);
}

struct page *virt_to_page(const void *v)
{
	(void)virt_to_phys(v);	/* linear map only */
	return &pages[virt_index(v)];
}

void *page_address(const struct page *page)
{
	return shim_ram + ((unsigned long)(page - pages) << PAGE_SHIFT);
}

bool shim_page_in_use(const struct page *page)
{
	return meta[page - pages].used;
}

/* Any page of [i, i + n) preserved for the next boot? */
static bool range_preserved(unsigned long i, unsigned long n)
{
	unsigned long j;

	for (j = i; j < i + n; j++)
		if (meta[j].pcov)
			return true;
	return false;
}

void *folio_address(const struct folio *f)
{
	return shim_ram + ((unsigned long)(f - folios) << PAGE_SHIFT);
}

struct folio *virt_to_folio(const void *v)
{
	unsigned long i = virt_index(v);

	if (!meta[i].used || !meta[i].head) {
		fprintf(stderr, "shim: virt_to_folio of a non-head page\n");
		abort();
	}
	return &folios[i];
}

unsigned int folio_order(const struct folio *f)
{
	return meta[f - folios].order;
}

/* First index >= @i whose pfn is aligned to @n pages (buddy alignment). */
static unsigned long align_index(unsigned long i, unsigned long n)
{
	return ((FIRST_PFN + i + n - 1) & ~(n - 1)) - FIRST_PFN;
}

static void *alloc_order(unsigned int order)
{
	unsigned long n = 1UL << order, i, j, tries;

	i = align_index(cursor, n);
	for (tries = 0; tries < 2 * shim_ram_pages / n + 2; tries++) {
		if (i + n > shim_ram_pages)
			i = align_index(0, n);
		for (j = 0; j < n; j++)
			if (meta[i + j].used)
				break;
		if (j == n) {
			for (j = 0; j < n; j++)
				meta[i + j] = (struct pmeta){ .used = 1 };
			meta[i].head = 1;
			meta[i].order = order;
			cursor = i + n;
			return shim_ram + (i << PAGE_SHIFT);
		}
		i += n;
	}
	return NULL;
}

static void free_range(unsigned long i)
{
	unsigned long n = 1UL << meta[i].order, j;

	memset(shim_ram + (i << PAGE_SHIFT), POISON, n << PAGE_SHIFT);
	for (j = 0; j < n; j++) {
		meta[i + j] = (struct pmeta){ 0 };
		pages[i + j].private = 0;
	}
}

void folio_put(struct folio *f)
{
	unsigned long i = f - folios;

	if (!meta[i].used || !meta[i].head) {
		fprintf(stderr, "shim: folio_put of a free page\n");
		abort();
	}
	if (range_preserved(i, 1UL << meta[i].order)) {
		fprintf(stderr, "shim: folio_put of a preserved folio\n");
		abort();
	}
	free_range(i);
}

void *shim_alloc_pages(unsigned int order)
{
	return alloc_order(order);
}

struct page *shim_alloc_page(void)
{
	void *p = alloc_order(0);

	return p ? &pages[virt_index(p)] : NULL;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	void *p;

	(void)gfp;
	if (shim_should_fail())
		return NULL;
	p = alloc_order(order);
	return p ? &pages[virt_index(p)] : NULL;
}

/* As the kernel's: a high-order allocation becomes 2^order order-0 pages. */
void split_page(struct page *page, unsigned int order)
{
	unsigned long i = page - pages, j;

	if (!meta[i].used || !meta[i].head || meta[i].order != order) {
		fprintf(stderr, "shim: split_page of a page of another order\n");
		abort();
	}
	for (j = i; j < i + (1UL << order); j++) {
		meta[j].head = 1;
		meta[j].order = 0;
	}
}

void __free_page(struct page *page)
{
	unsigned long i = page - pages;

	if (!meta[i].used || !meta[i].head || meta[i].order ||
	    meta[i].kho == KHO_IN) {
		fprintf(stderr, "shim: __free_page of a page that is not an order-0 allocation\n");
		abort();
	}
	if (meta[i].pcov) {
		fprintf(stderr, "shim: __free_page of a preserved page\n");
		abort();
	}
	free_range(i);
}

long shim_used_pages(void)
{
	unsigned long i;
	long n = 0;

	for (i = 0; i < shim_ram_pages; i++)
		n += meta[i].used;
	return n;
}

long shim_unclaimed_pages(void)
{
	unsigned long i;
	long n = 0;

	for (i = 0; i < shim_ram_pages; i++)
		if (meta[i].used && meta[i].head && meta[i].kho == KHO_IN)
			n += 1L << meta[i].order;
	return n;
}

long shim_preserved_pages(void)
{
	unsigned long i;
	long n = 0;

	for (i = 0; i < shim_ram_pages; i++)
		n += meta[i].pcov;
	return n;
}

/* --- KHO --------------------------------------------------------------------- */

struct subtree {
	char name[128];
	u64 phys;
	u64 size;
	bool used;
};

#define MAX_SUBTREES 256
static struct subtree out_trees[MAX_SUBTREES], in_trees[MAX_SUBTREES];
static bool kho_booted;

bool kho_is_enabled(void)
{
	return kho_on;
}

bool is_kho_boot(void)
{
	return kho_booted;
}

static void preserve_range(unsigned long i, unsigned int order, bool on)
{
	unsigned long j;

	meta[i].out = on;
	meta[i].porder = on ? order : 0;
	for (j = i; j < i + (1UL << order); j++)
		meta[j].pcov = on;
}

int kho_preserve_folio(struct folio *folio)
{
	unsigned long i = folio - folios;

	if (!kho_on)
		return -EOPNOTSUPP;
	if (shim_should_fail())
		return -ENOMEM;
	if (range_preserved(i, 1UL << meta[i].order)) {
		shim_warn("folio preserved twice");
		return -EBUSY;
	}
	preserve_range(i, meta[i].order, true);
	return 0;
}

void kho_unpreserve_folio(struct folio *folio)
{
	unsigned long i = folio - folios;

	if (!meta[i].out || meta[i].porder != meta[i].order)
		shim_warn("unpreserve of a folio not preserved");
	preserve_range(i, meta[i].order, false);
}

/* Upstream's split of [i, end) into naturally aligned power-of-2 ranges. */
static unsigned int range_order(unsigned long i, unsigned long end)
{
	unsigned int o = ilog2(end - i);
	unsigned long pfn = FIRST_PFN + i;

	return min(o, (unsigned int)__builtin_ctzl(pfn));
}

int kho_preserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long start = page - pages, end = start + nr_pages, i, j;
	unsigned int order;
	int err;

	if (!kho_on)
		return -EOPNOTSUPP;
	if (!nr_pages || end > shim_ram_pages) {
		shim_warn("kho_preserve_pages outside RAM");
		return -EINVAL;
	}
	for (j = start; j < end; j++) {
		if (!meta[j].used) {
			shim_warn("kho_preserve_pages of free memory");
			return -EINVAL;
		}
	}
	for (i = start; i < end; i += 1UL << order) {
		order = range_order(i, end);
		err = -ENOMEM;
		if (shim_should_fail())
			goto undo;
		err = -EBUSY;
		if (range_preserved(i, 1UL << order)) {
			shim_warn("pages preserved twice");
			goto undo;
		}
		preserve_range(i, order, true);
	}
	return 0;

undo:
	for (j = start; j < i; j += 1UL << order) {
		order = range_order(j, end);
		preserve_range(j, order, false);
	}
	return err;
}

void kho_unpreserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long start = page - pages, end = start + nr_pages, i;
	unsigned int order;

	for (i = start; i < end; i += 1UL << order) {
		order = range_order(i, end);
		if (!meta[i].out || meta[i].porder != order)
			shim_warn("unpreserve of pages not preserved");
		preserve_range(i, order, false);
	}
}

void *kho_alloc_preserve(size_t size)
{
	unsigned int order = 0;
	void *p;

	if (!size)
		return ERR_PTR(-EINVAL);
	while ((PAGE_SIZE << order) < size)
		order++;
	if (shim_should_fail())
		return ERR_PTR(-ENOMEM);
	p = alloc_order(order);
	if (!p)
		return ERR_PTR(-ENOMEM);
	memset(p, 0, PAGE_SIZE << order);
	if (kho_preserve_folio(virt_to_folio(p))) {
		folio_put(virt_to_folio(p));
		return ERR_PTR(-ENOMEM);
	}
	return p;
}

void kho_unpreserve_free(void *mem)
{
	struct folio *f;

	if (!mem)
		return;
	f = virt_to_folio(mem);
	kho_unpreserve_folio(f);
	folio_put(f);
}

struct folio *kho_restore_folio(phys_addr_t phys)
{
	long i = pfn_index(PHYS_PFN(phys));

	if (i < 0)
		return NULL;
	/* Upstream: WARN_ON_ONCE when the page carries no KHO magic. */
	if (!PAGE_ALIGNED(phys) || !meta[i].used || !meta[i].head ||
	    meta[i].kho != KHO_IN) {
		shim_warn("kho_restore_folio of a page that was not preserved");
		return NULL;
	}
	meta[i].kho = KHO_NONE;
	pages[i].private = 0;
	return &folios[i];
}

/*
 * As upstream: walk [phys, + nr_pages) in aligned power-of-2 steps; each
 * step's first page must carry KHO's mark, whose order says how many pages
 * become order-0 pages. Returns NULL (pages restored so far stay so) when a
 * step's page has no mark.
 */
struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages)
{
	long s = pfn_index(PHYS_PFN(phys));
	unsigned long i, j, end, n;

	if (s < 0 || !PAGE_ALIGNED(phys) || !nr_pages ||
	    nr_pages > shim_ram_pages - s)
		return NULL;
	end = s + nr_pages;
	for (i = s; i < end; i += 1UL << range_order(i, end)) {
		if (!meta[i].used || !meta[i].head || meta[i].kho != KHO_IN) {
			shim_warn("kho_restore_pages of pages that were not preserved");
			return NULL;
		}
		n = 1UL << meta[i].order;
		for (j = i; j < i + n; j++)
			meta[j] = (struct pmeta){ .used = 1, .head = 1 };
		pages[i].private = 0;
	}
	return &pages[s];
}

void kho_restore_free(void *mem)
{
	struct folio *f;

	if (!mem)
		return;
	f = kho_restore_folio(virt_to_phys(mem));
	if (f)
		folio_put(f);
}

int kho_add_subtree(const char *name, void *blob, size_t size)
{
	int i, free_slot = -1;

	if (!kho_on)
		return -EOPNOTSUPP;
	if (shim_should_fail())
		return -ENOMEM;
	for (i = 0; i < MAX_SUBTREES; i++) {
		if (out_trees[i].used && !strcmp(out_trees[i].name, name))
			return -EEXIST;
		if (!out_trees[i].used && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0 || strlen(name) >= sizeof(out_trees[0].name))
		return -ENOMEM;
	strcpy(out_trees[free_slot].name, name);
	out_trees[free_slot].phys = virt_to_phys(blob);
	out_trees[free_slot].size = size;
	out_trees[free_slot].used = true;
	return 0;
}

void kho_remove_subtree(void *blob)
{
	u64 phys = virt_to_phys(blob);
	int i;

	for (i = 0; i < MAX_SUBTREES; i++)
		if (out_trees[i].used && out_trees[i].phys == phys)
			out_trees[i].used = false;
}

int kho_retrieve_subtree(const char *name, phys_addr_t *phys, size_t *size)
{
	int i;

	if (!kho_booted)
		return -ENOENT;
	for (i = 0; i < MAX_SUBTREES; i++) {
		if (in_trees[i].used && !strcmp(in_trees[i].name, name)) {
			*phys = in_trees[i].phys;
			if (size)
				*size = in_trees[i].size;
			return 0;
		}
	}
	return -ENOENT;
}

/* Test hook: rewrite an incoming subtree's address and size. */
void shim_set_incoming_subtree(const char *name, u64 phys, u64 size)
{
	int i;

	for (i = 0; i < MAX_SUBTREES; i++) {
		if (in_trees[i].used && !strcmp(in_trees[i].name, name)) {
			in_trees[i].phys = phys;
			in_trees[i].size = size;
		}
	}
}

/* --- boots ------------------------------------------------------------------- */

static void free_old_allocs(void)
{
	struct ahdr *h = allocs.next, *n;

	for (; h != &allocs; h = n) {
		n = h->next;
		unlink_free(h);
	}
	live_allocs = 0;
}

void shim_boot(bool kho_enabled)
{
	shim_vm_reset();
	if (!shim_ram) {
		shim_ram_fd = memfd_create("shim-ram", MFD_CLOEXEC);
		if (shim_ram_fd < 0 || ftruncate(shim_ram_fd, RAM_PAGES << PAGE_SHIFT))
			abort();
		shim_ram = mmap(NULL, RAM_PAGES << PAGE_SHIFT,
				PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_NORESERVE, shim_ram_fd, 0);
		if (shim_ram == MAP_FAILED)
			abort();
		meta = calloc(RAM_PAGES, sizeof(*meta));
		folios = calloc(RAM_PAGES, sizeof(*folios));
		pages = calloc(RAM_PAGES, sizeof(*pages));
		if (!meta || !folios || !pages)
			abort();
	} else {
		/* Give the memfd's pages back: fresh RAM reads as zeroes. */
		madvise(shim_ram, shim_ram_pages << PAGE_SHIFT, MADV_REMOVE);
		memset(meta, 0, shim_ram_pages * sizeof(*meta));
		memset(pages, 0, shim_ram_pages * sizeof(*pages));
	}
	generation++;
	free_old_allocs();
	memset(out_trees, 0, sizeof(out_trees));
	memset(in_trees, 0, sizeof(in_trees));
	cursor = 0;
	shim_warns = 0;
	kho_on = kho_enabled;
	kho_booted = false;
	shim_fail_reset(0);
}

void shim_kexec(bool kho_enabled)
{
	bool keep = kho_on && kho_enabled;
	unsigned long i;

	shim_vm_reset();
	/*
	 * Preserved pages survive, everything else is wiped. Each preserved
	 * range becomes one incoming allocation of its order, its first page
	 * marked as KHO marks it.
	 */
	for (i = 0; i < shim_ram_pages; i++) {
		bool kept = keep && meta[i].pcov;

		if (meta[i].used && !kept)
			memset(shim_ram + (i << PAGE_SHIFT), POISON, PAGE_SIZE);
		pages[i].private = 0;
		if (kept)
			meta[i] = (struct pmeta){ .used = 1, .out = meta[i].out,
						  .porder = meta[i].porder };
		else
			meta[i] = (struct pmeta){ 0 };
	}
	for (i = 0; i < shim_ram_pages; i++) {
		if (!meta[i].out)
			continue;
		meta[i] = (struct pmeta){ .used = 1, .head = 1,
					  .order = meta[i].porder,
					  .kho = KHO_IN };
		pages[i].private = KHO_MARK(meta[i].order);
	}
	memcpy(in_trees, out_trees, sizeof(in_trees));
	memset(out_trees, 0, sizeof(out_trees));
	kho_booted = kho_on && kho_enabled;
	if (!kho_booted)
		memset(in_trees, 0, sizeof(in_trees));
	kho_on = kho_enabled;
	generation++;
	free_old_allocs();
	/* A new kernel allocates from elsewhere first. */
	cursor = shim_ram_pages / 2;
	shim_fail_reset(0);
}

void shim_fini(void)
{
	shim_vm_reset();
	generation++;
	free_old_allocs();
	if (shim_ram)
		munmap(shim_ram, RAM_PAGES << PAGE_SHIFT);
	if (shim_ram_fd >= 0)
		close(shim_ram_fd);
	shim_ram_fd = -1;
	free(meta);
	free(folios);
	free(pages);
	pages = NULL;
	shim_ram = NULL;
	meta = NULL;
	folios = NULL;
}
