// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fake kernel module for khoserctl's fixture trees: only what depmod and
 * libkmod read from a .ko, i.e. the .modinfo strings (MODINFO), exported
 * symbols (EXPORTS, "__ksymtab_strings"), undefined symbols (USES), the
 * CRC of an export (CRC_SYM, CRC_VAL: an absolute __crc_ symbol, as
 * libkmod reads them) and of the symbol a module uses (USES_CRC: its
 * __versions entry, as modpost writes it with CONFIG_MODVERSIONS).
 * Built with gcc -c by tests/user/run.sh; never loaded.
 */
#ifdef EXPORTS
static const char ksymtab_strings[]
	__attribute__((section("__ksymtab_strings"), used, aligned(1))) = EXPORTS;
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

#ifdef USES
extern int USES(void);

int fake_use(void);
int fake_use(void)
{
	return USES();
}

#ifdef USES_CRC
struct modversion_info {
	unsigned long crc;
	char name[64 - sizeof(unsigned long)];
};

static const struct modversion_info versions[]
	__attribute__((section("__versions"), used, aligned(8))) = {
	{ USES_CRC, STR(USES) },
};
#endif
#endif

#ifdef CRC_SYM
__asm__(".globl __crc_" STR(CRC_SYM) "\n\t.set __crc_" STR(CRC_SYM) ", "
	STR(CRC_VAL));
#endif

static const char modinfo[]
	__attribute__((section(".modinfo"), used, aligned(1))) = MODINFO;
