// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: simulated RAM, a page allocator, pages and folios.
 *
 * Allocator state lives in struct pmeta per page (internal.h): free,
 * allocated (with the allocation's head and order: its folio), or kept by
 * KHO at kexec and not restored yet. page->private is KHO's alone (its
 * mark), cleared on allocation and on free as the buddy allocator does.
 * Freeing a page twice, a tail page, a page KHO kept but nobody restored, or
 * a page still preserved for the next kernel aborts; so does vmap() of a
 * free page (vm.c).
 */
#include <unistd.h>
#include <sys/mman.h>
#include "internal.h"

unsigned char *shim_ram;
int shim_ram_fd = -1;	/* the memfd behind shim_ram (and every vmap) */
unsigned long shim_ram_pages = SHIM_RAM_MAX_PAGES;	/* lower before boot */
struct pmeta *shim_meta;
struct page *shim_pages;

struct folio *shim_folios;
static unsigned long cursor;

#define meta shim_meta
#define pages shim_pages
#define folios shim_folios

/* --- addresses (fixed once RAM exists; no lock needed) ------------------ */

u64 virt_to_phys(const void *v)
{
	const unsigned char *p = v;

	/* Only the linear map has a linear physical address (not vmap). */
	if (p < shim_ram || p >= shim_ram + (shim_ram_pages << PAGE_SHIFT))
		shim_die("virt_to_phys of a non-linear address %p", v);
	return SHIM_RAM_BASE + (u64)(p - shim_ram);
}

void *phys_to_virt(u64 phys)
{
	return shim_ram + (phys - SHIM_RAM_BASE);
}

struct page *pfn_to_online_page(unsigned long pfn)
{
	long i = shim_pfn_index(pfn);

	return i < 0 ? NULL : &pages[i];
}

bool pfn_valid(unsigned long pfn)
{
	return shim_pfn_index(pfn) >= 0;
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

struct page *pfn_to_page(unsigned long pfn)
{
	long i = shim_pfn_index(pfn);

	if (i < 0)
		shim_die("pfn_to_page(%#lx) outside RAM", pfn);
	return &pages[i];
}

unsigned long page_to_pfn(const struct page *page)
{
	return SHIM_FIRST_PFN + (unsigned long)(page - pages);
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

void *folio_address(const struct folio *f)
{
	return shim_ram + ((unsigned long)(f - folios) << PAGE_SHIFT);
}

unsigned long folio_pfn(const struct folio *f)
{
	return SHIM_FIRST_PFN + (unsigned long)(f - folios);
}

struct page *folio_page(struct folio *f, unsigned long n)
{
	return &pages[(f - folios) + n];
}

/* --- allocator state ------------------------------------------------------ */

bool shim_page_in_use(const struct page *page)
{
	return READ_ONCE(meta[page - pages].state) != PG_FREE;
}

/* The head of the allocation page @i belongs to (it is PG_USED). */
static unsigned long head_of(unsigned long i)
{
	while (!READ_ONCE(meta[i].head))
		i--;
	return i;
}

/*
 * page_folio(): a tail page's folio is its head's. Lock-free: the caller
 * owns the page, so its allocation does not change under it.
 */
struct folio *page_folio(const struct page *page)
{
	unsigned long i = page - pages;
	u8 state = READ_ONCE(meta[i].state);

	if (state == PG_FREE)
		shim_die("page_folio of free page pfn %#lx",
			 (unsigned long)(SHIM_FIRST_PFN + i));
	return &folios[state == PG_USED ? head_of(i) : i];
}

struct folio *virt_to_folio(const void *v)
{
	return page_folio(virt_to_page(v));
}

unsigned int folio_order(const struct folio *f)
{
	return READ_ONCE(meta[f - folios].order);
}

/* First index >= @i whose pfn is aligned to @n pages (buddy alignment). */
static unsigned long align_index(unsigned long i, unsigned long n)
{
	return ((SHIM_FIRST_PFN + i + n - 1) & ~(n - 1)) - SHIM_FIRST_PFN;
}

/* Take 2^@order free pages as one allocation; shim lock held. */
static long alloc_range(unsigned int order)
{
	unsigned long n = 1UL << order, i, j, tries;

	i = align_index(cursor, n);
	for (tries = 0; tries < 2 * shim_ram_pages / n + 2; tries++) {
		if (i + n > shim_ram_pages)
			i = align_index(0, n);
		for (j = 0; j < n; j++)
			if (meta[i + j].state != PG_FREE)
				break;
		if (j == n) {
			for (j = 0; j < n; j++) {
				meta[i + j] = (struct pmeta){
					.state = PG_USED };
				pages[i + j].private = 0;
			}
			meta[i].head = 1;
			meta[i].order = order;
			cursor = i + n;
			return i;
		}
		i += n;
	}
	return -1;
}

static void *alloc_order(unsigned int order)
{
	long i;

	shim_lock();
	i = alloc_range(order);
	shim_unlock();
	return i < 0 ? NULL : shim_ram + ((unsigned long)i << PAGE_SHIFT);
}

static const char *state_name(unsigned long i)
{
	if (meta[i].state == PG_FREE)
		return "a free page (double free?)";
	if (meta[i].state == PG_KHO)
		return "a page KHO kept that was never restored";
	if (!meta[i].head)
		return "a tail page";
	return "a page of a higher-order allocation";
}

/* Free the allocation at @i (head, @what names the caller); lock held. */
static void free_range(unsigned long i, const char *what)
{
	unsigned long n = 1UL << meta[i].order, j;

	for (j = i; j < i + n; j++)
		if (meta[j].pcov)
			shim_die("%s: pfn %#lx is still preserved for the next kernel",
				 what, (unsigned long)(SHIM_FIRST_PFN + j));
	memset(shim_ram + (i << PAGE_SHIFT), SHIM_POISON, n << PAGE_SHIFT);
	for (j = i; j < i + n; j++) {
		meta[j] = (struct pmeta){ .state = PG_FREE };
		pages[j].private = 0;
	}
}

void folio_put(struct folio *f)
{
	unsigned long i = f - folios;

	shim_lock();
	if (meta[i].state != PG_USED || !meta[i].head)
		shim_die("folio_put of %s, pfn %#lx", state_name(i),
			 (unsigned long)(SHIM_FIRST_PFN + i));
	free_range(i, "folio_put");
	shim_unlock();
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

unsigned int shim_frag_order = MAX_PAGE_ORDER;

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	void *p;

	if (order > MAX_PAGE_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			shim_warn("alloc_pages: order above MAX_PAGE_ORDER");
		return NULL;
	}
	if (order > shim_frag_order)
		return NULL;
	if (shim_should_fail())
		return NULL;
	p = alloc_order(order);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, PAGE_SIZE << order);
	return p ? &pages[virt_index(p)] : NULL;
}

struct folio *folio_alloc(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? &folios[page - pages] : NULL;
}

/* As the kernel's: a high-order allocation becomes 2^order order-0 pages. */
void split_page(struct page *page, unsigned int order)
{
	unsigned long i = page - pages, j;

	shim_lock();
	if (meta[i].state != PG_USED || !meta[i].head ||
	    meta[i].order != order)
		shim_die("split_page(%u) of %s", order, state_name(i));
	for (j = i; j < i + (1UL << order); j++) {
		meta[j].head = 1;
		meta[j].order = 0;
	}
	shim_unlock();
}

void __free_page(struct page *page)
{
	unsigned long i = page - pages;

	shim_lock();
	if (meta[i].state != PG_USED || !meta[i].head || meta[i].order)
		shim_die("__free_page of %s, pfn %#lx", state_name(i),
			 (unsigned long)(SHIM_FIRST_PFN + i));
	free_range(i, "__free_page");
	shim_unlock();
}

long shim_used_pages(void)
{
	unsigned long i;
	long n = 0;

	shim_lock();
	for (i = 0; i < shim_ram_pages; i++)
		n += meta[i].state != PG_FREE;
	shim_unlock();
	return n;
}

long shim_unclaimed_pages(void)
{
	unsigned long i;
	long n = 0;

	shim_lock();
	for (i = 0; i < shim_ram_pages; i++)
		n += meta[i].state == PG_KHO;
	shim_unlock();
	return n;
}

long shim_preserved_pages(void)
{
	unsigned long i;
	long n = 0;

	shim_lock();
	for (i = 0; i < shim_ram_pages; i++)
		n += meta[i].pcov != 0;
	shim_unlock();
	return n;
}

/* --- address space -------------------------------------------------------- */

/*
 * Reserve @bytes of address space (PROT_NONE) at an address @phase bytes
 * past a multiple of @align (a power of 2, at least the host's page size):
 * the host's mmap() aligns to its own page, 4 KiB, not to the shim's.
 */
unsigned char *shim_reserve(size_t bytes, size_t align, size_t phase)
{
	unsigned char *p, *q;
	size_t head;

	p = mmap(NULL, bytes + align, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	q = (unsigned char *)((((uintptr_t)p - phase + align - 1) &
			       ~(uintptr_t)(align - 1)) + phase);
	head = q - p;	/* below @align */
	if (head)
		munmap(p, head);
	munmap(q + bytes, align - head);
	return q;
}

/* --- boots ---------------------------------------------------------------- */

void shim_mm_init(void)
{
	size_t bytes = SHIM_RAM_MAX_PAGES << PAGE_SHIFT;
	unsigned char *at;

	if (shim_ram_pages > SHIM_RAM_MAX_PAGES)
		shim_die("shim_ram_pages above %lu", SHIM_RAM_MAX_PAGES);
	shim_ram_fd = memfd_create("shim-ram", MFD_CLOEXEC);
	if (shim_ram_fd < 0 || ftruncate(shim_ram_fd, bytes))
		shim_die("cannot create the simulated RAM");
	/*
	 * As the kernel's linear map: virtual and physical addresses agree
	 * modulo the largest buddy block, so a page's address is aligned to
	 * PAGE_SIZE and an order-n allocation's to 2^n pages.
	 */
	at = shim_reserve(bytes, PAGE_SIZE << MAX_PAGE_ORDER,
			  SHIM_RAM_BASE & ((PAGE_SIZE << MAX_PAGE_ORDER) - 1));
	if (!at)
		shim_die("cannot reserve the simulated RAM");
	shim_ram = mmap(at, bytes, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_NORESERVE | MAP_FIXED, shim_ram_fd, 0);
	if (shim_ram == MAP_FAILED)
		shim_die("cannot map the simulated RAM");
	meta = calloc(SHIM_RAM_MAX_PAGES, sizeof(*meta));
	folios = calloc(SHIM_RAM_MAX_PAGES, sizeof(*folios));
	pages = calloc(SHIM_RAM_MAX_PAGES, sizeof(*pages));
	if (!meta || !folios || !pages)
		shim_die("out of host memory");
}

/* A cold boot: fresh RAM reads as zeroes, nothing allocated. */
void shim_mm_new_boot(void)
{
	madvise(shim_ram, shim_ram_pages << PAGE_SHIFT, MADV_REMOVE);
	memset(meta, 0, shim_ram_pages * sizeof(*meta));
	memset(pages, 0, shim_ram_pages * sizeof(*pages));
	cursor = 0;
}

/* After kexec: a new kernel allocates from elsewhere first. */
void shim_mm_kexec(void)
{
	cursor = shim_ram_pages / 2;
}

void shim_mm_unmap(void)
{
	if (shim_ram)
		munmap(shim_ram, SHIM_RAM_MAX_PAGES << PAGE_SHIFT);
}

void shim_mm_fini(void)
{
	shim_mm_unmap();
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
