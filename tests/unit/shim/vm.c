// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: vmalloc() and vmap() areas over the simulated RAM.
 */
#include <sys/mman.h>
#include "internal.h"

/*
 * An area maps RAM pages (by their memfd offset) at a fresh virtual range
 * with a guard page after it: writes through it reach the very pages the
 * linear map shows, as with the kernel's page tables. Nothing is copied.
 * The list of areas is under the shim lock.
 */
struct vmarea {
	struct vmarea *next;
	unsigned char *addr;
	unsigned long nr;
	struct page **map;	/* the shim's copy, for vmalloc_to_page() */
	struct page **put;	/* VM_MAP_PUT_PAGES: the caller's array */
	bool vmalloc;		/* pages allocated by vmalloc() */
};

static struct vmarea *areas;
static long nareas;

/* Offset of @page in the memfd. */
static off_t ram_offset(const struct page *page)
{
	return (off_t)(page_to_phys(page) - SHIM_RAM_BASE);
}

static unsigned char *map_pages(struct page **pg, unsigned long nr)
{
	unsigned char *base;
	unsigned long i, j;

	/* Page-aligned, as the kernel's vmap areas. */
	base = shim_reserve((nr + 1) << PAGE_SHIFT, PAGE_SIZE, 0);
	if (!base)
		shim_die("cannot reserve a vmap area");
	for (i = 0; i < nr; i = j) {
		/* One mmap() per run of consecutive RAM pages. */
		for (j = i; j < nr && pg[j] == pg[i] + (j - i); j++) {
			if (!shim_page_in_use(pg[j]))
				shim_die("vmap of a free page");
		}
		if (mmap(base + (i << PAGE_SHIFT), (j - i) << PAGE_SHIFT,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 shim_ram_fd, ram_offset(pg[i])) == MAP_FAILED)
			shim_die("cannot map a vmap area");
	}
	return base;
}

static struct vmarea *new_area(struct page **pg, unsigned long nr)
{
	struct vmarea *a = calloc(1, sizeof(*a));

	if (!a)
		abort();
	a->map = malloc(nr * sizeof(*pg));
	if (!a->map)
		abort();
	memcpy(a->map, pg, nr * sizeof(*pg));
	a->nr = nr;
	a->addr = map_pages(pg, nr);
	a->next = areas;
	areas = a;
	nareas++;
	return a;
}

static struct vmarea *find_area(const void *addr, bool exact)
{
	const unsigned char *p = addr;
	struct vmarea *a;

	for (a = areas; a; a = a->next) {
		if (exact ? p == a->addr :
			    p >= a->addr && p < a->addr + (a->nr << PAGE_SHIFT))
			return a;
	}
	return NULL;
}

static void drop_area(struct vmarea *a)
{
	struct vmarea **pp;

	for (pp = &areas; *pp != a; pp = &(*pp)->next)
		;
	*pp = a->next;
	munmap(a->addr, (a->nr + 1) << PAGE_SHIFT);
	free(a->map);
	free(a);
	nareas--;
}

void *vmap(struct page **pg, unsigned int count, unsigned long flags, int prot)
{
	struct vmarea *a;

	(void)prot;
	if (!count || count > shim_ram_pages || shim_should_fail())
		return NULL;
	shim_lock();
	a = new_area(pg, count);
	if (flags & VM_MAP_PUT_PAGES)
		a->put = pg;
	shim_unlock();
	return a->addr;
}

void vunmap(const void *addr)
{
	struct vmarea *a;

	shim_lock();
	a = find_area(addr, true);
	if (!a || a->vmalloc)
		shim_die("vunmap of an address vmap() did not return");
	drop_area(a);
	shim_unlock();
}

void vfree(const void *addr)
{
	struct vmarea *a;
	unsigned long i;

	if (!addr)
		return;
	shim_lock();
	a = find_area(addr, true);
	if (!a)
		shim_die("vfree of an unknown address");
	if (a->vmalloc || a->put)
		for (i = 0; i < a->nr; i++)
			__free_page(a->map[i]);
	kvfree(a->put);
	drop_area(a);
	shim_unlock();
}

void *vmalloc(unsigned long size)
{
	unsigned long nr = DIV_ROUND_UP(size, PAGE_SIZE), i;
	struct page **pg;
	struct vmarea *a;

	if (!size || nr > shim_ram_pages || shim_should_fail())
		return NULL;
	pg = malloc(nr * sizeof(*pg));
	if (!pg)
		abort();
	for (i = 0; i < nr; i++) {
		pg[i] = shim_alloc_page();
		if (!pg[i]) {
			while (i--)
				__free_page(pg[i]);
			free(pg);
			return NULL;
		}
	}
	shim_lock();
	a = new_area(pg, nr);
	a->vmalloc = true;
	shim_unlock();
	free(pg);
	return a->addr;
}

struct page *vmalloc_to_page(const void *addr)
{
	struct page *page = NULL;
	struct vmarea *a;

	shim_lock();
	a = find_area(addr, false);
	if (a)
		page = a->map[((const unsigned char *)addr - a->addr) >>
			      PAGE_SHIFT];
	shim_unlock();
	return page;
}

bool is_vmalloc_addr(const void *addr)
{
	bool r;

	shim_lock();
	r = find_area(addr, false) != NULL;
	shim_unlock();
	return r;
}

long shim_vmap_areas(void)
{
	long n;

	shim_lock();
	n = nareas;
	shim_unlock();
	return n;
}

/* A new kernel has no mappings of the old one. */
void shim_vm_reset(void)
{
	shim_lock();
	while (areas)
		drop_area(areas);
	shim_unlock();
}
