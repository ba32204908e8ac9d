// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: kmalloc() and kvmalloc() families. Blocks are counted
 * per simulated boot (a kexec frees the old kernel's), filled with 0xa5
 * (or zeroed), and failure-injectable.
 *
 * Limits as Linux 7.2 (mm/slub.c): kmalloc() of more than KMALLOC_MAX_SIZE
 * reaches the page allocator with an order above MAX_PAGE_ORDER, which
 * WARNs and fails; kvmalloc() falls back to vmalloc but refuses (WARN, NULL)
 * more than INT_MAX bytes; an n * size overflow fails quietly; size 0 gives
 * ZERO_SIZE_PTR, which kfree() accepts.
 */
#include "internal.h"

struct ahdr {
	struct ahdr *next, *prev;
	long gen;
	size_t size;
	long long pad;
};

static struct ahdr allocs = { &allocs, &allocs, 0, 0, 0 };
static long live_allocs;
static long generation;
size_t shim_alloc_largest;

/* A counted block (shim lock held by the caller or not: takes it). */
static void *alloc_block(size_t size, bool zero)
{
	struct ahdr *h = malloc(sizeof(*h) + size);

	if (!h)
		shim_die("out of host memory (%zu bytes)", size);
	memset(h + 1, zero ? 0 : 0xa5, size);
	h->size = size;
	shim_lock();
	h->gen = generation;
	h->next = allocs.next;
	h->prev = &allocs;
	allocs.next->prev = h;
	allocs.next = h;
	live_allocs++;
	if (size > shim_alloc_largest)
		shim_alloc_largest = size;
	shim_unlock();
	return h + 1;
}

void *shim_kmalloc_nolimit(size_t size)
{
	return alloc_block(size, false);
}

static void *do_kmalloc(size_t size, gfp_t gfp, bool zero)
{
	if (!size)
		return ZERO_SIZE_PTR;
	if (size > KMALLOC_MAX_SIZE) {
		if (!(gfp & __GFP_NOWARN))
			shim_warn("kmalloc: order above MAX_PAGE_ORDER");
		return NULL;
	}
	if (shim_should_fail())
		return NULL;
	return alloc_block(size, zero || (gfp & __GFP_ZERO));
}

static void *do_kvmalloc(size_t size, gfp_t gfp, bool zero)
{
	if (!size)
		return ZERO_SIZE_PTR;
	if (size > INT_MAX) {
		if (!(gfp & __GFP_NOWARN))
			shim_warn("kvmalloc: size above INT_MAX");
		return NULL;
	}
	if (shim_should_fail())
		return NULL;
	return alloc_block(size, zero || (gfp & __GFP_ZERO));
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return do_kmalloc(size, gfp, false);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return do_kmalloc(size, gfp, true);
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return do_kmalloc(n * size, gfp, false);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return do_kmalloc(n * size, gfp, true);
}

void *kvmalloc(size_t size, gfp_t gfp)
{
	return do_kvmalloc(size, gfp, false);
}

void *kvzalloc(size_t size, gfp_t gfp)
{
	return do_kvmalloc(size, gfp, true);
}

void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return do_kvmalloc(n * size, gfp, false);
}

void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return do_kvmalloc(n * size, gfp, true);
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

	if (ZERO_OR_NULL_PTR(p))
		return;
	h = (struct ahdr *)p - 1;
	shim_lock();
	if (h->gen != generation)
		shim_die("kfree of memory from an earlier boot");
	unlink_free(h);
	shim_unlock();
}

void kvfree(const void *p)
{
	kfree(p);
}

long shim_live_allocs(void)
{
	long n;

	shim_lock();
	n = live_allocs;
	shim_unlock();
	return n;
}

/* A new kernel: everything the old one allocated is gone. */
void shim_slab_new_boot(void)
{
	struct ahdr *h, *n;

	shim_lock();
	generation++;
	for (h = allocs.next; h != &allocs; h = n) {
		n = h->next;
		unlink_free(h);
	}
	live_allocs = 0;
	shim_unlock();
}
