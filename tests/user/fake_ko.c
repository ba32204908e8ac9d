// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fake kernel module for khoserctl's fixture trees: only what depmod and
 * libkmod read from a .ko, i.e. the .modinfo strings (MODINFO), exported
 * symbols (EXPORTS, "__ksymtab_strings") and undefined symbols (USES).
 * Built with gcc -c by tests/user/run.sh; never loaded.
 */
#ifdef EXPORTS
static const char ksymtab_strings[]
	__attribute__((section("__ksymtab_strings"), used, aligned(1))) = EXPORTS;
#endif

#ifdef USES
extern int USES(void);

int fake_use(void);
int fake_use(void)
{
	return USES();
}
#endif

static const char modinfo[]
	__attribute__((section(".modinfo"), used, aligned(1))) = MODINFO;
