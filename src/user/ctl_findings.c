// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl doctor: the list of findings every check adds to.
 */
#include "ctl.h"

const char *const verdict_tag[] = { "ok", "note", "PROBLEM", "skipped" };
const char *const verdict_json[] = { "ok", "note", "problem", "skipped" };

struct finding *findings;
int nfindings, problems, notes;
const char *stage;	/* the stage checks are in now */
const char *fkrel;	/* the kernel they are about */

/* Record one finding of the current stage. */
void add(enum verdict v, const char *what, const char *remedy,
	 const char *fmt, ...)
{
	static int cap;
	struct finding *f;
	va_list ap;

	if (nfindings == cap) {
		cap = cap ? cap * 2 : 32;
		findings = realloc(findings, cap * sizeof(*findings));
		if (!findings)
			die("out of memory");
	}
	f = &findings[nfindings++];
	memset(f, 0, sizeof(*f));
	f->v = v;
	f->stage = stage;
	scopy(f->kernel, sizeof(f->kernel), fkrel);
	scopy(f->what, sizeof(f->what), what);
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	if (remedy)
		scopy(f->remedy, sizeof(f->remedy), remedy);
	problems += v == V_PROBLEM;
	notes += v == V_NOTE;
}
