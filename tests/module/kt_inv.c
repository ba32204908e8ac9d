// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test inventories: one line per object this boot preserved for the
 * next kernel, and one per object it verified (recomputed from the restored
 * data, in the loop that checks it) or saw refused:
 *
 *	khoser_test: preserved NAME kind=K entries=N bytes=N blocks=N digest=X
 *		     [wrote=vN]
 *	khoser_test: verified NAME kind=K entries=N bytes=N blocks=N digest=X
 *		     [read=vN]
 *	khoser_test: refused NAME err=E reason=WORD damage=HOW [target=NAME]
 *		     [says=TEXT]
 *
 * tests/qemu/run.sh compares boot N's "preserved" lines with boot N+1's
 * "verified" lines exactly, so a verify path that checks less than was
 * handed over fails there even when it fails nothing here. A refused line
 * names the errno the lookup returned (checked here), the reason word of
 * the one "khoser: NAME: refused: WORD: ..." line khoser must have logged
 * for it (checked by run.sh; "version": a compatible-string mismatch line
 * instead), how the object was damaged (KT_AT_REBOOT and friends, kt.h),
 * the object whose memory it pointed into, which must still be verified
 * intact in the same boot, and, where the word names several checks, the
 * text of the one expected (the rest of the line). wrote= and read= name
 * the block format of a block set or of a vbuf's chunk list, written or
 * found by the lookup (run.sh lists them apart; --expect-read checks
 * them). The verdict counts objects and bytes verified, the block formats
 * they were read in, refusals and API results, never words.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/byteorder.h>
#include <linux/printk.h>
#include <linux/string.h>
#include "kt.h"

static u64 pres_objs, pres_entries, pres_bytes;
static u64 ver_objs, ver_bytes, refused, api_results, read_in[3];

/**
 * kt_digest_init - start a digest
 * @d: the digest
 */
void kt_digest_init(struct kt_digest *d)
{
	d->h = KT_FNV_OFFSET;
	d->len = 0;
	d->word = 0;
	d->nbuf = 0;
}

static void mix(struct kt_digest *d, u64 w)
{
	d->h = (d->h ^ w) * KT_FNV_PRIME;
}

/**
 * kt_digest_add - add bytes to a digest
 * @d:   the digest
 * @p:   the bytes
 * @len: how many
 *
 * The content is taken as a stream of 64-bit little-endian words, however
 * it is split into calls: any one changed word changes the digest.
 */
void kt_digest_add(struct kt_digest *d, const void *p, size_t len)
{
	const u8 *b = p;
	__le64 w;

	d->len += len;
	while (len) {
		if (!d->nbuf && len >= 8) {
			memcpy(&w, b, sizeof(w));
			mix(d, le64_to_cpu(w));
			b += 8;
			len -= 8;
			continue;
		}
		d->word |= (u64)*b++ << (8 * d->nbuf);
		len--;
		if (++d->nbuf == 8) {
			mix(d, d->word);
			d->word = 0;
			d->nbuf = 0;
		}
	}
}

/**
 * kt_digest_u64 - add a u64 to a digest, as 8 little-endian bytes
 * @d: the digest
 * @v: the value
 */
void kt_digest_u64(struct kt_digest *d, u64 v)
{
	__le64 le = cpu_to_le64(v);

	kt_digest_add(d, &le, sizeof(le));
}

/**
 * kt_digest_final - the digest of everything added
 * @d: the digest
 *
 * Return: the 64-bit digest (the length is mixed in last).
 */
u64 kt_digest_final(struct kt_digest *d)
{
	u64 h;

	if (d->nbuf)
		mix(d, d->word);
	mix(d, d->len);
	h = d->h;
	kt_digest_init(d);
	return h;
}

static void line(const char *verb, const char *name,
		 const struct kt_inv *inv, const char *fmt_word)
{
	char fmt[16] = "";

	if (inv->format)
		snprintf(fmt, sizeof(fmt), " %s=v%u", fmt_word, inv->format);
	pr_info("%s %s kind=%s entries=%llu bytes=%llu blocks=%llu digest=%016llx%s\n",
		verb, name, inv->kind, inv->entries, inv->bytes, inv->blocks,
		inv->digest, fmt);
}

/**
 * kt_preserved - log one object handed to the next kernel
 * @name: object name
 * @inv:  what it holds, read back from the outgoing structure
 */
void kt_preserved(const char *name, const struct kt_inv *inv)
{
	line("preserved", name, inv, "wrote");
	kt_hdr_add(name);
	pres_objs++;
	pres_entries += inv->entries;
	pres_bytes += inv->bytes;
}

/**
 * kt_verified - log one object checked completely after kexec
 * @name: object name
 * @inv:  what was checked, computed while checking it
 */
void kt_verified(const char *name, const struct kt_inv *inv)
{
	line("verified", name, inv, "read");
	kt_hdr_seen(name);
	ver_objs++;
	if (inv->format < ARRAY_SIZE(read_in))
		read_in[inv->format]++;
	ver_bytes += inv->bytes;
}

/**
 * kt_refused - log one object refused as this run expects
 * @name:   object name
 * @err:    the errno the lookup returned (the one expected)
 * @reason: the reason word khoser's log line must carry
 * @damage: how the object was damaged (KT_AT_REBOOT, ...)
 * @target: the object its damage points into, or NULL
 * @says:   the text after the reason word, or NULL for any
 */
void kt_refused(const char *name, int err, const char *reason,
		const char *damage, const char *target, const char *says)
{
	pr_info("refused %s err=%d reason=%s damage=%s%s%s%s%s\n", name, err,
		reason, damage, target ? " target=" : "", target ? target : "",
		says ? " says=" : "", says ? says : "");
	kt_hdr_seen(name);
	refused++;
}

/**
 * kt_api_result - count one API call that returned its documented result
 */
void kt_api_result(void)
{
	api_results++;
}

/**
 * kt_inv_totals - what this boot preserved, in all
 * @objs:    objects
 * @entries: entries (vbuf: pages)
 * @bytes:   logical bytes
 */
void kt_inv_totals(u64 *objs, u64 *entries, u64 *bytes)
{
	*objs = pres_objs;
	*entries = pres_entries;
	*bytes = pres_bytes;
}

/**
 * kt_say_verdict - this boot's verdict
 * @buf: where to write it
 * @len: size of @buf
 *
 * A run that checked nothing did not pass.
 *
 * Return: true for PASS.
 */
bool kt_say_verdict(char *buf, size_t len)
{
	if (kt_fail[0]) {
		snprintf(buf, len, "FAIL %s", kt_fail);
		return false;
	}
	if (!ver_objs && !refused && !api_results) {
		snprintf(buf, len, "FAIL nothing was checked");
		return false;
	}
	snprintf(buf, len,
		 "PASS %llu objects verified (%llu bytes; block sets and vbufs read in v1: %llu, in v2: %llu), %llu refused as expected, %llu API results checked",
		 ver_objs, ver_bytes, read_in[1], read_in[2], refused,
		 api_results);
	return true;
}
