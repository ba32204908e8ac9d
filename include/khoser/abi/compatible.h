/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoser composite compatible strings: the grammar of the string every
 * named-root descriptor carries (&struct khoser_root_ser.compat) and of the
 * string a lookup compares it with.
 *
 * Changing the grammar of published strings means bumping
 * KHOSER_ROOT_COMPAT.
 */
#ifndef _KHOSER_ABI_COMPATIBLE_H
#define _KHOSER_ABI_COMPATIBLE_H

#include <khoser/abi/root.h>

/**
 * DOC: compatible-string grammar
 *
 * A published string names the owner (the driver) and every format its
 * payload is written in, each with one version; an expected string (what a
 * lookup accepts) has the same shape but may list several versions per
 * component::
 *
 *   published  = component *( ";" format )    ; owner first
 *   expected   = ecomponent *( ";" eformat )
 *   component  = base "-v" version             ; the owner's
 *   format     = base "-v" version
 *   ecomponent = base "-v" vset
 *   eformat    = base "-v" vset
 *   base       = word *( "-" word )
 *   word       = 1*( "a".."z" / "0".."9" / "_" )
 *   version    = "0" / ( "1".."9" *8( "0".."9" ) )
 *   vset       = version *( "," version )      ; strictly ascending
 *
 * Rules beyond the productions:
 *
 * - Length: 1 to %KHOSER_COMPAT_MAX (255) characters; the descriptor field
 *   is %KHOSER_COMPAT_LEN bytes, NUL-terminated and NUL-padded.
 * - Components: 1 to %KHOSER_COMPAT_MAX_PARTS (16), the owner's included.
 * - A component splits at its last "-v": "a-v1-v2" is base "a-v1",
 *   version 2.
 * - Version: decimal, no sign, no leading zero, at most
 *   %KHOSER_COMPAT_VERSION_DIGITS (9) digits.
 * - Version set (expected strings only): 1 to %KHOSER_COMPAT_MAX_VERSIONS
 *   (8) versions, strictly ascending (so no duplicate), none empty:
 *   "khoser-block-v1,2". A published string with a set is malformed: the
 *   writer refuses to publish it, the reader refuses it with -EPROTO.
 * - Ordering: the formats after the owner are sorted by base name as
 *   strcmp() sorts them ("ab" < "ab-c" < "abc"), so each base appears
 *   once; no format has the owner's base. Formats whose base starts with
 *   "khoser-" are khoser's own: a published one must be a format the
 *   writing build has (debugfs file khoser/formats lists them).
 * - Matching: owner bases equal, the same format bases on both sides, and
 *   every found version in the expected set (one version: equal). The
 *   first component that differs is named in one log line, e.g.
 *   "mydrv: khoser-block: expected v1,2, found v3".
 * - Dependency components: a kind of payload built on another format (a
 *   vbuf's chunk list is a block set) names that format's version in the
 *   published string, inserted in its sorted place by khoser when the
 *   driver's string lacks it ("mydrv-v1;khoser-block-v2;khoser-vbuf-v1").
 *   A driver's string naming another version of that base is refused at
 *   publish. Absent, the dependency is in its implicit v1. A reader of
 *   that kind accepts a dependency component its caller did not name when
 *   it reads that format version; one the caller names is matched like
 *   any component, an absent one as v1.
 */

/* Longest composite string, without the terminating NUL. */
#define KHOSER_COMPAT_MAX		(KHOSER_COMPAT_LEN - 1)
/* Most components one string may hold. */
#define KHOSER_COMPAT_MAX_PARTS		16
/* Most versions one component of an expected string may list. */
#define KHOSER_COMPAT_MAX_VERSIONS	8
/* Most decimal digits of one version. */
#define KHOSER_COMPAT_VERSION_DIGITS	9

#endif /* _KHOSER_ABI_COMPATIBLE_H */
