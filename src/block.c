// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser block sets: chains of preserved pages of fixed-size entries, in the
 * upstream "kho-block-v1" layout (include/khoser/abi/block.h).
 *
 * DOC: block-set lifecycle
 *
 * Outgoing sets are grown ahead of time (so that filling them cannot fail),
 * filled through an iterator, sealed (trailing unused blocks released, so
 * the chain handed over has no empty block) and published. Incoming sets are
 * restored from a head address, claiming and checking every block before
 * reading it (src/chain.c), and are read-only.
 *
 * This file knows nothing of the named root: the root drives a set through
 * khoser_block_kind (src/kind.h) with the set's lock held. A published set
 * stays writable by its owner; at reboot into kexec the root seals it once
 * more without freeing or unlinking anything (kexec_seal()): trailing empty
 * blocks are cut from the chain and unpreserved, and the set becomes
 * read-only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/prefetch.h>
#include <linux/string.h>
#include <khoser/block.h>
#include "block_priv.h"
#include "chain.h"
#include "compat/kho.h"
#include "compat/list.h"
#include "compat/slab.h"
#include "kind.h"
#include "life.h"

#define WHAT "block set"

/* Entries of @block, never more than a block can hold. */
static u64 block_count(const struct khoser_block_set *bs,
		       const struct khoser_block *block)
{
	return min_t(u64, READ_ONCE(block->hdr->count), bs->per_block);
}

static bool entry_size_ok(size_t entry_size)
{
	return entry_size && entry_size <= KHOSER_BLOCK_MAX_ENTRY;
}

/* Initialized, writable when @write, and (a static set) a usable size. */
static int check_state(const struct khoser_block_set *bs, const char *op,
		       bool write)
{
	int err = khoser_life_check(&bs->life, WHAT, op, write);

	if (!err && !entry_size_ok(bs->entry_size)) {
		pr_err("%s: entry size %u cannot fit a block\n", op,
		       bs->entry_size);
		err = -EINVAL;
	}
	return err;
}

/* Take @bs's lock for @op: 0 with it held, or the errno (unlocked). */
static int lock_set(struct khoser_block_set *bs, const char *op, bool write)
{
	int err = khoser_life_lock(&bs->life, WHAT, op, write);

	if (err)
		return err;
	err = check_state(bs, op, write);
	if (err)
		mutex_unlock(&bs->life.lock);
	return err;
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
	bs->nkept++;
}

/* Unlink and free the last block of the chain. */
static void drop_last(struct khoser_block_set *bs)
{
	struct khoser_block *last, *prev;

	last = list_last_entry(&bs->blocks, struct khoser_block, list);
	list_del(&last->list);
	if (bs->life.state == KHOSER_STATE_IN)
		khoser_kho_release_page(last->hdr);
	else if (bs->nblocks > bs->nkept)
		khoser_kho_put_page(last->hdr);		/* cut at kexec */
	else
		khoser_kho_free_page(last->hdr);
	kfree(last);
	if (bs->nkept == bs->nblocks)	/* the dropped block was kept */
		bs->nkept--;
	bs->nblocks--;

	prev = list_last_entry_or_null(&bs->blocks, struct khoser_block, list);
	if (prev && bs->nkept == bs->nblocks)
		prev->hdr->next = 0;
	else if (!prev)
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
 * Context: Any context; @bs must not be in use.
 * Return: 0, or -EINVAL when @entry_size cannot fit a block (the set is
 * then left uninitialized).
 */
int khoser_block_set_init(struct khoser_block_set *bs, size_t entry_size)
{
	memset(bs, 0, sizeof(*bs));
	INIT_LIST_HEAD(&bs->blocks);
	if (!entry_size_ok(entry_size)) {
		pr_err("init: entry size %zu does not fit a %lu-byte block\n",
		       entry_size, (unsigned long)KHOSER_BLOCK_SIZE);
		return -EINVAL;
	}
	khoser_life_init(&bs->life, KHOSER_STATE_OUT);
	bs->max_blocks = KHOSER_BLOCK_DEFAULT_MAX;
	bs->entry_size = entry_size;
	bs->per_block = KHOSER_BLOCK_CAPACITY(entry_size);
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_init);

/**
 * khoser_block_set_set_max_blocks - set the chain-length bound
 * @bs:         an outgoing, writable block set
 * @max_blocks: most blocks the set may hold when written or restored
 *
 * The default, %KHOSER_BLOCK_DEFAULT_MAX, is what upstream's reader accepts;
 * raise it (on both sides of the kexec) to hand over larger sets to khoser.
 * Set it before khoser_block_set_restore() or _lookup() to bound what is
 * accepted from the previous kernel.
 *
 * Context: Process context (may sleep); takes the set's lock.
 * Return: 0; -EINVAL when @max_blocks is 0 or below the current size, or
 * the set is uninitialized; -EPERM on a sealed or incoming set.
 */
int khoser_block_set_set_max_blocks(struct khoser_block_set *bs,
				    unsigned long max_blocks)
{
	return khoser_life_set_bound(&bs->life, WHAT, "set_max_blocks",
				     &bs->max_blocks, &bs->nblocks, max_blocks);
}
EXPORT_SYMBOL_GPL(khoser_block_set_set_max_blocks);

static int grow_locked(struct khoser_block_set *bs, u64 count)
{
	unsigned long orig = bs->nblocks;
	struct khoser_block *block;
	void *page;
	u64 need;
	int err;

	bs->per_block = KHOSER_BLOCK_CAPACITY(bs->entry_size);
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

/**
 * khoser_block_set_grow - preallocate preserved blocks for @count entries
 * @bs:    an outgoing block set
 * @count: number of entries the set must be able to hold
 *
 * Allocates and preserves blocks until @count entries fit, so that writing
 * them later cannot fail. On failure every block added by this call is
 * released and the set is as it was.
 *
 * Context: Process context (may sleep); takes the set's lock; the caller
 * serializes its iterators on @bs with this call.
 * Return: 0; -EOPNOTSUPP without KHO; -EPERM on an incoming or sealed set;
 * -EINVAL on an uninitialized set; -ENOSPC beyond the chain-length bound;
 * -ENOMEM or another errno from preservation.
 */
int khoser_block_set_grow(struct khoser_block_set *bs, u64 count)
{
	int err = lock_set(bs, "grow", true);

	if (err)
		return err;
	err = khoser_kho_usable() ? grow_locked(bs, count) : -EOPNOTSUPP;
	mutex_unlock(&bs->life.lock);
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
 * Context: Process context (may sleep); takes the set's lock; the caller
 * serializes its iterators on @bs with this call.
 * Return: 0; -EPERM on an incoming or sealed set; -EINVAL on an
 * uninitialized set.
 */
int khoser_block_set_shrink(struct khoser_block_set *bs, u64 count)
{
	struct khoser_block *last;
	u64 keep;
	int err;

	err = lock_set(bs, "shrink", true);
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
	mutex_unlock(&bs->life.lock);
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_block_set_shrink);

/*
 * The last block holding entries (NULL: none), or an ERR_PTR when an empty
 * block sits between filled ones (logged with @label).
 */
static struct khoser_block *last_filled(struct khoser_block_set *bs,
					const char *label)
{
	struct khoser_block *block, *last_full = NULL;
	unsigned long idx = 0, first_empty = 0;
	bool empty_seen = false;

	list_for_each_entry(block, &bs->blocks, list) {
		if (READ_ONCE(block->hdr->count) && empty_seen) {
			pr_err("%s: block %lu is empty but block %lu is not\n",
			       label, first_empty, idx);
			return ERR_PTR(-EINVAL);
		}
		if (READ_ONCE(block->hdr->count)) {
			last_full = block;
		} else if (!empty_seen) {
			first_empty = idx;
			empty_seen = true;
		}
		idx++;
	}
	return last_full;
}

static int seal_locked(struct khoser_block_set *bs)
{
	struct khoser_block *last_full = last_filled(bs, "seal");

	if (IS_ERR(last_full))
		return PTR_ERR(last_full);
	while (!list_empty(&bs->blocks) &&
	       list_last_entry(&bs->blocks, struct khoser_block, list) !=
	       last_full)
		drop_last(bs);
	return 0;
}

/**
 * khoser_block_set_seal - make the chain ready to hand over
 * @bs: an outgoing block set
 *
 * Releases trailing blocks that hold no entry (grown but never filled), so
 * that the chain has no empty block, as upstream's reader demands. The set
 * stays writable. Sets published with khoser_block_set_publish() are sealed
 * again automatically when the kernel reboots into kexec.
 *
 * Context: Process context (may sleep); takes the set's lock; the caller
 * serializes its iterators on @bs with this call.
 * Return: 0; -EPERM on an incoming or sealed set; -EINVAL on an
 * uninitialized set or when an empty block sits between filled ones.
 */
int khoser_block_set_seal(struct khoser_block_set *bs)
{
	int err = lock_set(bs, "seal", true);

	if (err)
		return err;
	err = seal_locked(bs);
	mutex_unlock(&bs->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_block_set_seal);

/**
 * khoser_block_set_clear - forget every entry, keep the blocks
 * @bs: an outgoing block set
 *
 * Zeroes every block's count and entries so the set can be written again
 * from the start.
 *
 * Context: Process context (may sleep); takes the set's lock; the caller
 * serializes its iterators on @bs with this call.
 * Return: 0; -EPERM on an incoming or sealed set; -EINVAL on an
 * uninitialized set.
 */
int khoser_block_set_clear(struct khoser_block_set *bs)
{
	struct khoser_block *block;
	int err;

	err = lock_set(bs, "clear", true);
	if (err)
		return err;
	list_for_each_entry(block, &bs->blocks, list) {
		block->hdr->count = 0;
		memset(block->hdr + 1, 0, KHOSER_BLOCK_SIZE - sizeof(*block->hdr));
	}
	mutex_unlock(&bs->life.lock);
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
 * Context: Process context (may sleep); takes the set's lock; no iterator
 * of the caller may be in use on @bs.
 * Return: 0; -EBUSY while the set is published (unpublish first);
 * -EINVAL on an uninitialized set.
 */
int khoser_block_set_destroy(struct khoser_block_set *bs)
{
	int err = khoser_life_lock(&bs->life, WHAT, "destroy", false);

	if (err)
		return err;
	if (bs->life.published) {
		pr_err("destroy: block set is published; unpublish it first\n");
		err = -EBUSY;
	} else {
		drop_all(bs);
		bs->life.state = KHOSER_STATE_OUT;
	}
	mutex_unlock(&bs->life.lock);
	return err;
}
EXPORT_SYMBOL_GPL(khoser_block_set_destroy);

/* One claimed block: keep it, check its count, say where the next is. */
static int visit_block(void *ctx, void *page, unsigned long idx, u64 *next,
		       const char **why)
{
	struct khoser_block_set *bs = ctx;
	struct khoser_block *block;
	u64 count;

	block = kmalloc_obj(*block);
	if (!block) {
		khoser_kho_release_page(page);
		*why = "no-memory: out of memory";
		return -ENOMEM;
	}
	block->hdr = page;
	list_add_tail(&block->list, &bs->blocks);
	bs->nblocks++;
	bs->nkept++;
	count = READ_ONCE(block->hdr->count);
	if (!count || count > bs->per_block) {
		*why = count ? "count-over-capacity: count over the block capacity" :
			       "empty-block: block holds no entry";
		return -EINVAL;
	}
	*next = READ_ONCE(block->hdr->next);
	return 0;
}

/* Restore the chain at @head_pa into locked, empty, outgoing @bs. */
static int restore_locked(struct khoser_block_set *bs, u64 head_pa,
			  unsigned long bound, const char *label)
{
	struct khoser_chain chain = {
		.label = label, .what = "block", .bound = bound,
		.visit = visit_block, .ctx = bs,
	};
	unsigned long claimed;
	int err;

	bs->per_block = KHOSER_BLOCK_CAPACITY(bs->entry_size);
	bs->life.state = KHOSER_STATE_IN;
	err = khoser_chain_walk(&chain, head_pa, &claimed);
	if (err) {
		drop_all(bs);
		bs->life.state = KHOSER_STATE_OUT;
		return err;
	}
	bs->head_pa = head_pa;
	return 0;
}

/* khoser_block_set_restore(), naming @label in the log line. */
int khoser_block_set_restore_as(struct khoser_block_set *bs, u64 head_pa,
				const char *label)
{
	int err = khoser_life_lock_idle(&bs->life, WHAT, "restore");

	if (err)
		return err;
	err = check_state(bs, "restore", false);
	if (!err)
		err = list_empty(&bs->blocks) ?
		      restore_locked(bs, head_pa, bs->max_blocks, label) :
		      -EBUSY;
	mutex_unlock(&bs->life.lock);
	return err;
}

/**
 * khoser_block_set_restore - take over a chain handed over by the last kernel
 * @bs:      an initialized, empty block set, with the entry size (and chain
 *           bound) the writer used
 * @head_pa: physical address of the first block, 0 for an empty set
 *
 * Reads a "kho-block-v1" chain, written by khoser or by upstream Linux. Every
 * block is checked (page-aligned, in RAM, really preserved with order 0, not
 * visited before, within the chain bound) and claimed before its header is
 * read; its count must be 1 to the block capacity. On any failure, one line
 * is logged naming the problem and the block index, every block claimed so
 * far is released and @bs is left empty and outgoing. Blocks after the bad
 * one are not touched: they cannot be trusted.
 *
 * Context: Process context (may sleep); takes the set's lock.
 * Return: 0 and @bs is incoming (read-only); -EOPNOTSUPP without KHO;
 * -EBUSY when @bs is not empty, not outgoing or published; -EINVAL on an
 * uninitialized set or a corrupt chain; -ENOMEM.
 */
int khoser_block_set_restore(struct khoser_block_set *bs, u64 head_pa)
{
	return khoser_block_set_restore_as(bs, head_pa, "block set restore");
}
EXPORT_SYMBOL_GPL(khoser_block_set_restore);

static u64 count_entries(const struct khoser_block_set *bs)
{
	const struct khoser_block *block;
	u64 n = 0;

	list_for_each_entry(block, &bs->blocks, list)
		n += block_count(bs, block);
	return n;
}

/**
 * khoser_block_set_entries - number of entries in the set
 * @bs: the block set
 *
 * Context: Any context; the caller serializes against calls that change
 * the set.
 * Return: the sum of the block counts.
 */
u64 khoser_block_set_entries(const struct khoser_block_set *bs)
{
	return count_entries(bs);
}
EXPORT_SYMBOL_GPL(khoser_block_set_entries);

/* --- the named root's view (khoser_block_kind) ------------------------- */

static void kind_describe(void *obj, struct khoser_root_ser *desc)
{
	struct khoser_block_set *bs = obj;

	desc->kind = KHOSER_KIND_BLOCK;
	desc->phys = bs->head_pa;
	desc->size = bs->entry_size;
	desc->nblocks = bs->nkept;
	desc->entries = count_entries(bs);
	desc->max_blocks = bs->max_blocks;
}

static int kind_publish(void *obj, struct khoser_root_ser *desc)
{
	struct khoser_block_set *bs = obj;
	int err = check_state(bs, "publish", true);

	if (!err)
		err = seal_locked(bs);
	if (!err)
		kind_describe(bs, desc);
	return err;
}

/*
 * At reboot into kexec: cut the chain after its last filled block and
 * unpreserve the blocks after it, keeping them allocated and listed (an
 * iterator of the owner may still point at them), then make the set
 * read-only. Hands over nothing when an empty block sits between filled
 * ones (upstream's reader would refuse the chain).
 */
static void kind_kexec_seal(void *obj, struct khoser_root_ser *desc,
			    const char *label)
{
	struct khoser_block_set *bs = obj;
	struct khoser_block *last_full, *block;
	unsigned long kept = 0;

	if (bs->life.state != KHOSER_STATE_OUT)
		return;
	bs->life.state = KHOSER_STATE_SEALED;
	last_full = last_filled(bs, label);
	if (IS_ERR(last_full)) {
		pr_err("%s: cannot seal block set, handing over none\n", label);
		desc->phys = 0;
		desc->nblocks = 0;
		desc->entries = 0;
		return;
	}
	if (last_full) {
		last_full->hdr->next = 0;
		list_for_each_entry(block, &bs->blocks, list) {
			kept++;
			if (block == last_full)
				break;
		}
		block = list_next_entry(last_full, list);
	} else {
		bs->head_pa = 0;
		block = list_first_entry(&bs->blocks, struct khoser_block,
					 list);
	}
	for (; &block->list != &bs->blocks; block = list_next_entry(block, list))
		khoser_kho_cut_page(block->hdr);
	bs->nkept = kept;
	kind_describe(bs, desc);
}

static const char *kind_check_desc(const struct khoser_root_ser *d)
{
	u64 cap;

	if (!entry_size_ok(d->size))
		return "entry-size: entry size out of range";
	if (!PAGE_ALIGNED(d->phys))
		return "misaligned: block head misaligned";
	if (!d->phys != !d->nblocks)
		return "desc-blocks: head and block count disagree";
	if (d->nblocks > d->max_blocks)
		return "desc-blocks: more blocks than the writer's bound";
	cap = KHOSER_BLOCK_CAPACITY(d->size);
	if (d->entries < d->nblocks ||
	    d->entries > d->nblocks * cap)
		return "desc-entries: entry count impossible for the blocks";
	return NULL;
}

static int kind_restore(void *obj, const struct khoser_root_ser *d,
			const char *label)
{
	struct khoser_block_set *bs = obj;
	u64 entries;
	int err;

	if (!list_empty(&bs->blocks))
		return -EBUSY;
	if (d->size != bs->entry_size) {
		khoser_refused(label, "entry-size: entries of another size",
			       "entry size %llu, expected %u",
			       (unsigned long long)d->size, bs->entry_size);
		return -EPROTO;
	}
	if (d->nblocks > bs->max_blocks) {
		khoser_refused(label, "over-bound: more blocks than this set's bound",
			       "%llu blocks, bound %lu",
			       (unsigned long long)d->nblocks, bs->max_blocks);
		return -EINVAL;
	}
	/* Bounded by the descriptor: a longer chain is refused as it is read. */
	err = restore_locked(bs, d->phys, d->nblocks, label);
	if (err)
		return err;
	entries = count_entries(bs);
	if (bs->nblocks != d->nblocks || entries != d->entries) {
		khoser_refused(label, bs->nblocks != d->nblocks ?
			       "chain-short: chain ends before the descriptor's block count" :
			       "count-mismatch: entries differ from the descriptor",
			       "descriptor: %llu blocks, %llu entries; chain: %lu, %llu",
			       (unsigned long long)d->nblocks,
			       (unsigned long long)d->entries, bs->nblocks,
			       (unsigned long long)entries);
		drop_all(bs);
		bs->life.state = KHOSER_STATE_OUT;
		return -EINVAL;
	}
	return 0;
}

const struct khoser_kind khoser_block_kind = {
	.id = KHOSER_KIND_BLOCK,
	.name = "block",
	.once = true,
	.life = offsetof(struct khoser_block_set, life),
	.publish = kind_publish,
	.kexec_seal = kind_kexec_seal,
	.describe = kind_describe,
	.check_desc = kind_check_desc,
	.restore = kind_restore,
};

/* --- iterators ------------------------------------------------------------ */

/**
 * khoser_block_set_it_init - start an iterator at the first entry
 * @it: the iterator
 * @bs: the block set
 *
 * Context: Any context; the caller serializes against calls that change
 * the set.
 */
void khoser_block_set_it_init(struct khoser_block_set_it *it,
			      struct khoser_block_set *bs)
{
	it->bs = bs;
	it->block = list_first_entry_or_null(&bs->blocks, struct khoser_block,
					     list);
	it->i = 0;
	it->read_end = 0;	/* the first access takes a slow path */
	it->write_end = 0;
	it->pos = NULL;
	it->hdr = NULL;
	it->entry_size = bs->entry_size;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_init);

/* Take entry @it->i of the current block and point the cursor past it. */
static void *it_take(struct khoser_block_set_it *it)
{
	u8 *entry = (u8 *)(it->block->hdr + 1) + it->i * it->entry_size;

	it->hdr = it->block->hdr;
	it->pos = entry + it->entry_size;
	it->i++;
	/* The next block's node is a separate allocation: fetch it early. */
	prefetch(it->block->list.next);
	return entry;
}

/**
 * khoser_block_set_it_reserve_slow - reserve, at a block boundary
 * @it: an iterator
 *
 * The out-of-line part of khoser_block_set_it_reserve_entry(), not meant to
 * be called directly: checks the set is writable, moves to the next block
 * when the current one is full, and lets the inline path run to the end of
 * the block.
 *
 * Context: Any context; the caller serializes access to the set.
 * Return: the slot, or NULL when the capacity is used up or the set is not
 * writable.
 */
void *khoser_block_set_it_reserve_slow(struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;
	void *entry;

	if (READ_ONCE(bs->life.state) != KHOSER_STATE_OUT || !it->block)
		return NULL;
	if (it->i >= bs->per_block) {
		if (list_is_last(&it->block->list, &bs->blocks))
			return NULL;
		it->block = list_next_entry(it->block, list);
		it->i = 0;
	}
	it->write_end = bs->per_block;
	it->read_end = 0;	/* a read after writes must check the count */
	entry = it_take(it);
	it->hdr->count = it->i;
	return entry;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_reserve_slow);

/**
 * khoser_block_set_it_read_slow - read, at a block boundary
 * @it: an iterator
 *
 * The out-of-line part of khoser_block_set_it_read_entry(), not meant to be
 * called directly: re-reads the block's count (it may have grown since),
 * moves on to the next block when this one is done and the next holds
 * entries, and lets the inline path run to its count. A reader that reached
 * the end sees entries reserved later.
 *
 * Context: Any context; the caller serializes access to the set.
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
	it->read_end = block_count(bs, it->block);
	it->write_end = 0;	/* a reserve after reads must check the state */
	return it_take(it);
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_read_slow);

/*
 * After a slow path took @first (entry @it->i - 1), take up to @want - 1
 * more in the same block, below @end. Returns how many in all.
 */
static u64 it_extend(struct khoser_block_set_it *it, u8 *first, u64 end,
		     u64 want)
{
	u64 n = min_t(u64, want, end - it->i + 1);

	it->i += n - 1;
	it->pos = first + n * it->entry_size;
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
 * Context: Any context; the caller serializes access to the set.
 * Return: the first slot, or NULL when the capacity is used up, @want is 0
 * or the set is not writable.
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
 * Context: Any context; the caller serializes access to the set.
 * Return: the first entry, or NULL after the last one or when @want is 0.
 */
void *khoser_block_set_it_read_batch(struct khoser_block_set_it *it,
				     u64 want, u64 *got)
{
	u8 *first = want ? khoser_block_set_it_read_slow(it) : NULL;

	*got = first ? it_extend(it, first, it->read_end, want) : 0;
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
 * Context: Any context; the caller serializes access to the set.
 * Return: the previous entry, or NULL at the start of the set.
 */
void *khoser_block_set_it_prev(struct khoser_block_set_it *it)
{
	const struct khoser_block_set *bs = it->bs;

	it->read_end = 0;	/* back to the slow paths: they re-check */
	it->write_end = 0;
	if (!it->block)
		return NULL;
	while (!it->i) {
		if (list_is_first(&it->block->list, &bs->blocks))
			return NULL;
		it->block = list_prev_entry(it->block, list);
		it->i = block_count(bs, it->block);
	}
	return (u8 *)(it->block->hdr + 1) + --it->i * it->entry_size;
}
EXPORT_SYMBOL_GPL(khoser_block_set_it_prev);
