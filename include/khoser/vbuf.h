/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser vmalloc-style buffers: the pages behind a vmalloc()'d (or vmap()'d)
 * buffer of any byte length survive kexec and are mapped again, virtually
 * contiguous, in the next kernel (include/khoser/abi/vbuf.h).
 *
 * Before kexec: khoser_vbuf_preserve() the buffer (its pages are preserved
 * where they are, nothing is copied; physically contiguous pages are kept
 * as one chunk), then khoser_vbuf_publish(). Keep the buffer allocated until
 * kexec; khoser_unpublish() and khoser_vbuf_destroy() undo both steps.
 * After kexec: khoser_vbuf_lookup() (or _restore() of a raw header address)
 * maps the pages at a new address; use khoser_vbuf_addr() and
 * khoser_vbuf_length(), then khoser_vbuf_destroy() frees them, or
 * khoser_vbuf_take() hands the mapping over to be vfree()'d later.
 *
 * Locking: khoser serializes its own calls on a vbuf (see
 * include/khoser/state.h).
 */
#ifndef _KHOSER_VBUF_H
#define _KHOSER_VBUF_H

#include <linux/types.h>
#include <khoser/abi/vbuf.h>
#include <khoser/block.h>
#include <khoser/state.h>

/* Former state names, kept for drivers that test them. */
#define KHOSER_VB_IDLE		KHOSER_STATE_OUT	/* nothing preserved */
#define KHOSER_VB_OUTGOING	KHOSER_STATE_SEALED	/* pages preserved */
#define KHOSER_VB_INCOMING	KHOSER_STATE_IN		/* restored, mapped */

/**
 * struct khoser_vbuf - a preserved or restored buffer
 * @life:     state (OUT: idle, SEALED: preserved, IN: mapped), lock,
 *            published flag
 * @addr:     outgoing: the caller's buffer; incoming: the new mapping
 *            (NULL once taken with khoser_vbuf_take())
 * @length:   buffer length in bytes
 * @nr_pages: pages in the buffer
 * @nchunks:  physically contiguous chunks the pages form
 * @hdr:      outgoing: the preserved header page
 * @chunks:   outgoing: the chunk list ({phys, order} of every chunk)
 */
struct khoser_vbuf {
	struct khoser_life life;
	void *addr;
	size_t length;
	unsigned long nr_pages;
	u64 nchunks;
	struct khoser_vbuf_hdr *hdr;
	struct khoser_block_set chunks;
};

void khoser_vbuf_init(struct khoser_vbuf *vb);
int khoser_vbuf_preserve(struct khoser_vbuf *vb, void *addr, size_t length);
int khoser_vbuf_publish(struct khoser_vbuf *vb, const char *name,
			const char *compat);
int khoser_vbuf_lookup(struct khoser_vbuf *vb, const char *name,
		       const char *compat);
int khoser_vbuf_restore(struct khoser_vbuf *vb, u64 hdr_pa);
void *khoser_vbuf_take(struct khoser_vbuf *vb);
int khoser_vbuf_destroy(struct khoser_vbuf *vb);
u64 khoser_vbuf_hdr_pa(const struct khoser_vbuf *vb);

/**
 * khoser_vbuf_addr - the buffer
 * @vb: the vbuf
 *
 * Context: Any context.
 * Return: the preserved buffer (outgoing), its new mapping (incoming), or
 * NULL when there is none (idle, or taken).
 */
static inline void *khoser_vbuf_addr(const struct khoser_vbuf *vb)
{
	return vb->addr;
}

/**
 * khoser_vbuf_length - the buffer's length in bytes
 * @vb: the vbuf
 *
 * Context: Any context.
 * Return: the length given to khoser_vbuf_preserve(), or restored; 0 when
 * idle.
 */
static inline size_t khoser_vbuf_length(const struct khoser_vbuf *vb)
{
	return vb->length;
}

/**
 * khoser_vbuf_nchunks - physically contiguous chunks behind the buffer
 * @vb: the vbuf
 *
 * One chunk per naturally aligned run of up to 2^%KHOSER_VBUF_MAX_ORDER
 * contiguous pages: a buffer on high-order pages has few.
 *
 * Context: Any context.
 * Return: the number of chunks, 0 when idle.
 */
static inline u64 khoser_vbuf_nchunks(const struct khoser_vbuf *vb)
{
	return vb->nchunks;
}

/**
 * khoser_vbuf_meta_bytes - bytes of metadata preserved besides the buffer
 * @vb: an outgoing vbuf
 *
 * Context: Any context.
 * Return: the header page plus the chunk list's blocks, in bytes; 0 unless
 * @vb is outgoing.
 */
static inline u64 khoser_vbuf_meta_bytes(const struct khoser_vbuf *vb)
{
	if (vb->life.state != KHOSER_STATE_SEALED)
		return 0;
	return (1 + (u64)vb->chunks.nblocks) * KHOSER_BLOCK_SIZE;
}

#endif /* _KHOSER_VBUF_H */
