// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser block sets: chains of preserved pages of fixed-size entries, in the
 * upstream "kho-block-v1" layout (include/khoser/abi/block.h).
 *
 * Outgoing sets are grown ahead of time (so that filling them cannot fail),
 * filled through an iterator, sealed (trailing unused blocks released, so
 * the chain handed over has no empty block) and published. Incoming sets are
 * restored from a head address, claiming and checking every block before
 * reading it, and are read-only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/prefetch.h>
#include <linux/string.h>
#include "compat/kho.h"
#include "compat/list.h"
#include "compat/slab.h"
#include "internal.h"
#include "pset.h"

/* Entries of @block, never more than a block can hold. */
static u64 block_count(const struct khoser_block_set *bs,
		       const struct khoser_block *block)
{
	return min_t(u64, READ_ONCE(block->hdr->count), bs->per_block);
}

static int check_state(const struct khoser_block_set *bs, const char *op,
		       bool write)
{
	if (bs->state == KHOSER_BS_OUTGOING)
		return 0;
	if (bs->state == KHOSER_BS_INCOMING) {
		if (!write)
			return 0;
		pr_err("%s: refused on an incoming (read-only) block set\n", op);
		return -EPERM;
	}
	pr_err("%s: block set was never initialized\n", op);
	return -EINVAL;
}

/* Entries per block from the entry size; -EINVAL when none fits. */
static int setup_capacity(struct khoser_block_set *bs, const char *op)
{
	if (!bs->entry_size || bs->entry_size > KHOSER_BLOCK_MAX_ENTRY) {
		pr_err("%s: entry size %u cannot fit a block\n", op,
		       bs->entry_size);
		return -EINVAL;
	}
	bs->per_block = KHOSER_BLOCK_CAPACITY(bs->entry_size);
	return 0;
}

static void free_block_page(const struct khoser_block_set *bs, void *page)
{
	if (bs->state == KHOSER_BS_INCOMING)
		khoser_kho_release_page(page);
	else
		khoser_kho_free_page(page);
}

/* Link @block at the tail of the chain. */
static void link_block(struct khoser_block_set *bs, struct khoser_block *block)
{
	struct khoser_block *last;

	last = list_last_entry_or_null(&bs->blocks, struct khoser_block, list);
	if (last)
		last->hdr->next = khoser_kho_phys(block->hdr);
	else
		bs->head_pa = khoser_kho_phys(block->hdr);
	block->hdr->next = 0;
	list_add_tail(&block->list, &bs->blocks);
	bs->nblocks++;
}

/* Unlink and free the last block of the chain. */
static void drop_last(struct khoser_block_set *bs)
{
	struct khoser_block *last, *prev;

	last = list_last_entry(&bs->blocks, struct khoser_block, list);
	list_del(&last->list);
	bs->nblocks--;
	free_block_page(bs, last->hdr);
	kfree(last);

	prev = list_last_entry_or_null(&bs->blocks, struct khoser_block, list);
	if (prev)
		prev->hdr->next = 0;
	else
		bs->head_pa = 0;
}

static void drop_all(struct khoser_block_set *bs)
{
	while (!list_empty(&bs->blocks))
		drop_last(bs);
}

/**
 * khoser_block_set_init - initialize an empty outgoing block set
 * @bs:         the block set
 * @entry_size: size of each entry, 1 to %KHOSER_BLOCK_MAX_ENTRY bytes
 *
 * The set holds no block until khoser_block_set_grow(). Its chain-length
 * bound starts at %KHOSER_BLOCK_DEFAULT_MAX (upstream's reader limit).
 *
 * Context: Any context.
 * Return: 0, or -EINVAL when @entry_size cannot fit a block.
 */
int khoser_block_set_init(struct khoser_block_set *bs, size_t entry_size)
{
	*bs = (struct khoser_block_set)KHOSER_BLOCK_SET_INIT(*bs, 0);
	if (!entry_size || entry_size > KHOSER_BLOCK_MAX_ENTRY) {
		pr_err("init: entry size %zu does not fit a %lu-byte block\n",
		       entry_size, (unsigned long)KHOSER_BLOCK_SIZE);
		bs->state = 0;
		return -EINVAL;
	}
	bs->entry_size = entry_size;
	return setup_capacity(bs, "init");
}
EXPORT_SYMBOL_GPL(khoser_block_set_init);

/**
 * khoser_block_set_set_max_blocks - set the chain-length bound
 * @bs:         the block set
 * @max_blocks: most blocks the set may hold when written or restored
 *
 * The default, %KHOSER_BLOCK_DEFAULT_MAX, is what upstream's reader accepts;
 * raise it (on both sides of the kexec) to hand over larger sets to khoser.
 *
 * Context: Process context; caller serializes against changes to @bs.
 * Return: 0, or -EINVAL when @max_blocks is 0 or below the current size.
 */
int khoser_block_set_set_max_blocks(struct khoser_block_set *bs,
				    unsigned long max_blocks)
{
	int err = check_state(bs, "set_max_blocks", false);

	if (err)
		return err;
	if (!max_blocks || max_blocks < bs->nblocks)
		return -EINVAL;
	bs->max_blocks = max_blocks;
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_set_max_blocks);

/**
 * khoser_block_set_grow - preallocate preserved blocks for @count entries
 * @bs:    an outgoing block set
 * @count: number of entries the set must be able to hold
 *
 * Allocates and preserves blocks until @count entries fit, so that writing
 * them later cannot fail. On failure every block added by this call is
 * released and the set is as it was.
 *
 * Context: Process context (may sleep); caller serializes access to @bs.
 * Return: 0; -EOPNOTSUPP without KHO; -EPERM on an incoming set; -EINVAL on
 * an uninitialized set; -ENOSPC beyond the chain-length bound; -ENOMEM or
 * another errno from preservation.
 */
int khoser_block_set_grow(struct khoser_block_set *bs, u64 count)
{
	unsigned long orig = bs->nblocks;
	struct khoser_block *block;
	u64 need;
	void *page;
	int err;

	err = check_state(bs, "grow", true);
	if (err)
		return err;
	if (!khoser_available())
		return -EOPNOTSUPP;
	err = setup_capacity(bs, "grow");
	if (err)
		return err;

	need = count / bs->per_block + !!(count % bs->per_block);
	if (need > bs->max_blocks)
		return -ENOSPC;

	while (bs->nblocks < need) {
		page = khoser_kho_alloc_page();
		if (IS_ERR(page)) {
			err = PTR_ERR(page);
			goto rollback;
		}
		block = kmalloc_obj(*block);
		if (!block) {
			khoser_kho_free_page(page);
			err = -ENOMEM;
			goto rollback;
		}
		block->hdr = page;
		block->hdr->count = 0;
		link_block(bs, block);
	}
	return 0;

rollback:
	while (bs->nblocks > orig)
		drop_last(bs);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_block_set_grow);

/**
 * khoser_block_set_shrink - release blocks not needed for @count entries
 * @bs:    an outgoing block set
 * @count: number of entries to keep
 *
 * Entries are removed last-in first-out: blocks past the first @count entries
 * are released and the count of the new last block is cut to what remains.
 * Iterators on @bs must be re-initialized afterwards.
 *
 * Context: Process context; caller serializes access to @bs.
 * Return: 0; -EPERM on an incoming set; -EINVAL on an uninitialized set.
 */
int khoser_block_set_shrink(struct khoser_block_set *bs, u64 count)
{
	struct khoser_block *last;
	u64 keep;
	int err;

	err = check_state(bs, "shrink", true);
	if (err)
		return err;

	while (bs->nblocks && count <= (u64)(bs->nblocks - 1) * bs->per_block)
		drop_last(bs);

	last = list_last_entry_or_null(&bs->blocks, struct khoser_block, list);
	if (last) {
		keep = count - (u64)(bs->nblocks - 1) * bs->per_block;
		if (last->hdr->count > keep)
			last->hdr->count = keep;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_shrink);

/**
 * khoser_block_set_seal - make the chain ready to hand over
 * @bs: an outgoing block set
 *
 * Releases trailing blocks that hold no entry (grown but never filled), so
 * that the chain has no empty block, as upstream's reader demands. Sets
 * published with khoser_block_set_publish() are sealed again automatically
 * when the kernel reboots into kexec.
 *
 * Context: Process context; caller serializes access to @bs.
 * Return: 0; -EPERM on an incoming set; -EINVAL on an uninitialized set or
 * when an empty block sits between filled ones.
 */
int khoser_block_set_seal(struct khoser_block_set *bs)
{
	struct khoser_block *block, *last_full = NULL;
	unsigned long idx = 0, first_empty = 0;
	bool empty_seen = false;
	int err;

	err = check_state(bs, "seal", true);
	if (err)
		return err;

	list_for_each_entry(block, &bs->blocks, list) {
		if (block->hdr->count && empty_seen) {
			pr_err("seal: block %lu is empty but block %lu is not\n",
			       first_empty, idx);
			return -EINVAL;
		}
		if (block->hdr->count) {
			last_full = block;
		} else if (!empty_seen) {
			first_empty = idx;
			empty_seen = true;
		}
		idx++;
	}

	while (!list_empty(&bs->blocks) &&
	       list_last_entry(&bs->blocks, struct khoser_block, list) !=
	       last_full)
		drop_last(bs);
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_seal);

/**
 * khoser_block_set_clear - forget every entry, keep the blocks
 * @bs: an outgoing block set
 *
 * Zeroes every block's count and entries so the set can be written again
 * from the start.
 *
 * Context: Any context; caller serializes access to @bs.
 * Return: 0; -EPERM on an incoming set; -EINVAL on an uninitialized set.
 */
int khoser_block_set_clear(struct khoser_block_set *bs)
{
	struct khoser_block *block;
	int err;

	err = check_state(bs, "clear", true);
	if (err)
		return err;

	list_for_each_entry(block, &bs->blocks, list) {
		block->hdr->count = 0;
		memset(block->hdr + 1, 0,
		       KHOSER_BLOCK_SIZE - sizeof(*block->hdr));
	}
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_clear);

/**
 * khoser_block_set_destroy - release every block of a set
 * @bs: an outgoing or incoming block set
 *
 * Outgoing blocks are unpreserved and freed; incoming blocks (claimed from
 * the previous kernel) are freed. The set is left empty and outgoing, as
 * after khoser_block_set_init(), so it can be reused.
 *
 * Context: Process context; caller serializes access to @bs.
 * Return: 0; -EBUSY while the outgoing set is published (unpublish first);
 * -EINVAL on an uninitialized set.
 */
int khoser_block_set_destroy(struct khoser_block_set *bs)
{
	int err = check_state(bs, "destroy", false);

	if (err)
		return err;
	if (bs->state == KHOSER_BS_OUTGOING && bs->obj) {
		pr_err("destroy: block set is published as '%s'; unpublish it first\n",
		       bs->obj->name);
		return -EBUSY;
	}
	drop_all(bs);
	if (bs->obj) {
		bs->obj->bs = NULL;
		bs->obj = NULL;
	}
	bs->state = KHOSER_BS_OUTGOING;
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_destroy);

/* Claim one block of an incoming chain; NULL with @why set on failure. */
static struct khoser_block *claim_block(struct khoser_block_set *bs,
					struct khoser_pset *seen, u64 pa,
					const char **why, int *err)
{
	struct khoser_block *block;
	void *page;

	*err = -EINVAL;
	if (!PAGE_ALIGNED(pa)) {
		*why = "misaligned address";
		return NULL;
	}
	*err = khoser_pset_add(seen, pa);
	if (*err) {
		*why = *err == -EEXIST ? "cycle back to an earlier block" :
					 "out of memory";
		*err = *err == -EEXIST ? -EINVAL : *err;
		return NULL;
	}
	*err = -EINVAL;
	page = khoser_kho_claim_page(pa, why);
	if (!page)
		return NULL;
	block = kmalloc_obj(*block);
	if (!block) {
		khoser_kho_release_page(page);
		*why = "out of memory";
		*err = -ENOMEM;
		return NULL;
	}
	block->hdr = page;
	list_add_tail(&block->list, &bs->blocks);
	bs->nblocks++;
	return block;
}

/**
 * khoser_block_set_restore - take over a chain handed over by the last kernel
 * @bs:      an initialized, empty block set, with the entry size (and chain
 *           bound) the writer used
 * @head_pa: physical address of the first block, 0 for an empty set
 *
 * Reads a "kho-block-v1" chain, written by khoser or by upstream Linux. Every
 * block is checked (page-aligned, in RAM, really preserved, not visited
 * before, within the chain bound) and claimed before its header is read; its
 * count must be 1 to the block capacity. On any failure, one line is logged
 * naming the problem and the block index, every block claimed so far is
 * released and @bs is left empty and outgoing. Blocks after the bad one are
 * not touched: they cannot be trusted.
 *
 * Context: Process context (may sleep).
 * Return: 0 and @bs is incoming (read-only); -EOPNOTSUPP without KHO;
 * -EBUSY when @bs is not empty; -EINVAL on an invalid set or corrupt chain;
 * -ENOMEM.
 */
int khoser_block_set_restore(struct khoser_block_set *bs, u64 head_pa)
{
	struct khoser_block *block;
	struct khoser_pset seen;
	const char *why = NULL;
	unsigned long idx = 0;
	u64 pa = head_pa, count;
	int err;

	err = check_state(bs, "restore", true);
	if (err)
		return err;
	if (!list_empty(&bs->blocks))
		return -EBUSY;
	if (!khoser_available())
		return -EOPNOTSUPP;
	err = setup_capacity(bs, "restore");
	if (err)
		return err;

	bs->state = KHOSER_BS_INCOMING;
	if (!head_pa)
		return 0;

	err = khoser_pset_init(&seen, min_t(unsigned long, bs->max_blocks, 1024));
	if (err)
		goto fail_nolog;

	while (pa) {
		if (idx >= bs->max_blocks) {
			why = "chain longer than the block bound";
			err = -EINVAL;
			goto fail;
		}
		block = claim_block(bs, &seen, pa, &why, &err);
		if (!block)
			goto fail;
		count = READ_ONCE(block->hdr->count);
		if (!count || count > bs->per_block) {
			why = count ? "count over the block capacity" :
				      "empty block";
			err = -EINVAL;
			goto fail;
		}
		pa = READ_ONCE(block->hdr->next);
		idx++;
	}
	khoser_pset_destroy(&seen);
	bs->head_pa = head_pa;
	return 0;

fail:
	pr_err("restore: block %lu at %#llx: %s (entry size %u, bound %lu)\n",
	       idx, (unsigned long long)pa, why, bs->entry_size,
	       bs->max_blocks);
	khoser_pset_destroy(&seen);
fail_nolog:
	drop_all(bs);
	bs->state = KHOSER_BS_OUTGOING;
	return err;
}
EXPORT_SYMBOL_GPL(khoser_block_set_restore);

/**
 * khoser_block_set_entries - number of entries in the set
 * @bs: the block set
 *
 * Context: Any context; caller serializes access to @bs.
 * Return: the sum of the block counts.
 */
u64 khoser_block_set_entries(const struct khoser_block_set *bs)
{
	const struct khoser_block *block;
	u64 n = 0;

	list_for_each_entry(block, &bs->blocks, list)
		n += block_count(bs, block);
	return n;
}
EXPORT_SYMBOL_GPL(khoser_block_set_entries);

/* Fill the block-set fields of a root descriptor from @bs. */
void khoser_block_set_describe(struct khoser_block_set *bs,
			       struct khoser_root_ser *desc)
{
	desc->phys = bs->head_pa;
	desc->size = bs->entry_size;
	desc->nblocks = bs->nblocks;
	desc->entries = khoser_block_set_entries(bs);
	desc->max_blocks = bs->max_blocks;
}

/**
 * khoser_block_set_publish - seal a set and publish it under a name
 * @bs:     an outgoing block set
 * @name:   object name (see khoser_name_valid())
 * @compat: composite compatible string naming %KHOSER_BLOCK_COMPAT
 *
 * The set stays writable; it is sealed again, and its descriptor updated,
 * when the kernel reboots into kexec. Unpublish it with khoser_unpublish()
 * before destroying it.
 *
 * Context: Process context (may sleep); caller serializes access to @bs.
 * Return: 0; -EOPNOTSUPP without KHO; -EBUSY when already published; -EEXIST
 * when @name is taken; -EINVAL on a bad name, string or set; -ENOMEM.
 */
int khoser_block_set_publish(struct khoser_block_set *bs, const char *name,
			     const char *compat)
{
	int err = check_state(bs, "publish", true);

	if (err)
		return err;
	if (bs->obj)
		return -EBUSY;
	err = khoser_block_set_seal(bs);
	if (err)
		return err;
	return khoser_root_add(name, compat, KHOSER_KIND_BLOCK, 0, 0, bs);
}
EXPORT_SYMBOL_GPL(khoser_block_set_publish);

/**
 * khoser_block_set_lookup - find a published block set and restore it
 * @bs:     an initialized, empty block set with the expected entry size
 * @name:   object name
 * @compat: the composite compatible string this driver expects
 *
 * Compares @compat with the one the previous kernel published before
 * anything is restored, then checks the descriptor against @bs and restores
 * the chain. A set can be restored once.
 *
 * Context: Process context (may sleep).
 * Return: 0; -EOPNOTSUPP without KHO; -ENOENT when not published; -EPROTO on
 * a compatible-string or entry-size mismatch; -EALREADY when restored
 * before; -EINVAL on corrupt data; -ENOMEM.
 */
int khoser_block_set_lookup(struct khoser_block_set *bs, const char *name,
			    const char *compat)
{
	struct khoser_object *obj;
	int err;

	err = check_state(bs, "lookup", true);
	if (err)
		return err;
	if (!list_empty(&bs->blocks))
		return -EBUSY;
	err = khoser_root_find(name, compat, KHOSER_KIND_BLOCK, &obj);
	if (err)
		return err;
	if (obj->restored) {
		err = -EALREADY;
	} else if (obj->desc->size != bs->entry_size) {
		pr_err("%s: entry size %llu, expected %u\n", obj->name,
		       (unsigned long long)obj->desc->size, bs->entry_size);
		err = -EPROTO;
	} else if (obj->desc->nblocks > bs->max_blocks) {
		pr_err("%s: %llu blocks, above this set's bound of %lu\n",
		       obj->name, (unsigned long long)obj->desc->nblocks,
		       bs->max_blocks);
		err = -EINVAL;
	} else {
		err = khoser_block_set_restore(bs, obj->desc->phys);
	}
	if (!err) {
		obj->restored = true;
		obj->bs = bs;
		bs->obj = obj;
	}
	khoser_root_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(khoser_block_set_lookup);

/**
 * khoser_block_set_it_init - start an iterator at the first entry
 * @it: the iterator
 * @bs: the block set
 *
 * Context: Any context.
 */
void khoser_block_set_it_init(struct khoser_block_set_it *it,
			      struct khoser_block_set *bs)
{
	it->bs = bs;
	it->block = list_first_entry_or_null(&bs->blocks, struct khoser_block,
					     list);
	it->i = 0;
	it->rlimit = 0;	/* the first access takes a slow path */
	it->wlimit = 0;
	it->pos = NULL;
	it->hdr = NULL;
	it->esz = bs->entry_size;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_init);

/* Take entry @it->i of the current block and point the cursor past it. */
static void *it_take(struct khoser_block_set_it *it)
{
	u8 *entry = (u8 *)(it->block->hdr + 1) + it->i * it->esz;

	it->hdr = it->block->hdr;
	it->pos = entry + it->esz;
	it->i++;
	/* The next block's node is a separate allocation: fetch it early. */
	prefetch(it->block->list.next);
	return entry;
}

/**
 * khoser_block_set_it_reserve_slow - reserve, at a block boundary
 * @it: an iterator
 *
 * The out-of-line part of khoser_block_set_it_reserve_entry(): checks the
 * set is outgoing, moves to the next block when the current one is full,
 * and lets the inline path run to the end of the block.
 *
 * Context: Any context; caller serializes access to the set.
 * Return: the slot, or NULL when the capacity is used up or the set is
 * incoming.
 */
void *khoser_block_set_it_reserve_slow(struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;
	void *entry;

	if (bs->state != KHOSER_BS_OUTGOING || !it->block)
		return NULL;
	if (it->i >= bs->per_block) {
		if (list_is_last(&it->block->list, &bs->blocks))
			return NULL;
		it->block = list_next_entry(it->block, list);
		it->i = 0;
	}
	it->wlimit = bs->per_block;
	it->rlimit = 0;		/* a read after writes must check the count */
	entry = it_take(it);
	it->hdr->count = it->i;
	return entry;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_reserve_slow);

/**
 * khoser_block_set_it_read_slow - read, at a block boundary
 * @it: an iterator
 *
 * The out-of-line part of khoser_block_set_it_read_entry(): re-reads the
 * block's count (it may have grown since), moves on to the next block when
 * this one is done and the next holds entries, and lets the inline path run
 * to its count. A reader that reached the end sees entries reserved later.
 *
 * Context: Any context; caller serializes access to the set.
 * Return: the entry, or NULL after the last one.
 */
void *khoser_block_set_it_read_slow(struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;

	struct khoser_block *next;

	if (!it->block)
		return NULL;
	while (it->i >= block_count(bs, it->block)) {
		if (list_is_last(&it->block->list, &bs->blocks))
			return NULL;
		/* Stay before an empty block: a writer may fill ours first. */
		next = list_next_entry(it->block, list);
		if (!block_count(bs, next))
			return NULL;
		it->block = next;
		it->i = 0;
	}
	it->rlimit = block_count(bs, it->block);
	it->wlimit = 0;		/* a reserve after reads must check the state */
	return it_take(it);
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_read_slow);

/*
 * After a slow path took @first (entry @it->i - 1), take up to @want - 1
 * more in the same block, below @limit. Returns how many in all.
 */
static u64 it_extend(struct khoser_block_set_it *it, u8 *first, u64 limit,
		     u64 want)
{
	u64 n = min_t(u64, want, limit - it->i + 1);

	it->i += n - 1;
	it->pos = first + n * it->esz;
	return n;
}

/**
 * khoser_block_set_it_reserve_batch - reserve up to @want consecutive slots
 * @it:   an iterator on an outgoing block set
 * @want: slots wanted, at least 1
 * @got:  slots reserved, all in one block: 1 to @want, 0 on NULL
 *
 * Like @want calls of khoser_block_set_it_reserve_entry(), but stops at the
 * end of the current block, so the slots are contiguous (@got times the
 * entry size) and counted with one header update. Call again for the rest.
 *
 * Context: Any context; caller serializes access to the set.
 * Return: the first slot, or NULL when the capacity is used up, @want is 0
 * or the set is incoming.
 */
void *khoser_block_set_it_reserve_batch(struct khoser_block_set_it *it,
					u64 want, u64 *got)
{
	u8 *first = want ? khoser_block_set_it_reserve_slow(it) : NULL;

	*got = first ? it_extend(it, first, it->bs->per_block, want) : 0;
	if (first)
		it->hdr->count = it->i;
	return first;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_reserve_batch);

/**
 * khoser_block_set_it_read_batch - read up to @want consecutive entries
 * @it:   an iterator
 * @want: entries wanted, at least 1
 * @got:  entries returned, all in one block: 1 to @want, 0 on NULL
 *
 * Like @want calls of khoser_block_set_it_read_entry(), but stops at the end
 * of the current block's entries, so they are contiguous. Call again for
 * the rest.
 *
 * Context: Any context; caller serializes access to the set.
 * Return: the first entry, or NULL after the last one or when @want is 0.
 */
void *khoser_block_set_it_read_batch(struct khoser_block_set_it *it,
				     u64 want, u64 *got)
{
	u8 *first = want ? khoser_block_set_it_read_slow(it) : NULL;

	*got = first ? it_extend(it, first, it->rlimit, want) : 0;
	return first;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_read_batch);

/**
 * khoser_block_set_it_prev - step back one entry
 * @it: an iterator
 *
 * Returns the entry before the cursor and moves the cursor onto it, so the
 * next reserve or read returns that slot again. Counts are not changed: to
 * drop entries from an outgoing set, use khoser_block_set_shrink().
 *
 * Context: Any context; caller serializes access to the set.
 * Return: the previous entry, or NULL at the start of the set.
 */
void *khoser_block_set_it_prev(struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;

	it->rlimit = 0;	/* back to the slow paths: they re-check */
	it->wlimit = 0;
	if (!it->block)
		return NULL;
	while (!it->i) {
		if (list_is_first(&it->block->list, &bs->blocks))
			return NULL;
		it->block = list_prev_entry(it->block, list);
		it->i = block_count(bs, it->block);
	}
	return (u8 *)(it->block->hdr + 1) + --it->i * it->esz;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_prev);
