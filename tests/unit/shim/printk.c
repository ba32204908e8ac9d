// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: printk capture, WARN counting, and the abort that
 * reports misuse the kernel would turn into memory corruption.
 */
#include <stdarg.h>
#include "internal.h"

int shim_err_lines;
int shim_warns;
char shim_last_log[512];

void shim_printk(const char *level, const char *fmt, ...)
{
	va_list ap;

	shim_lock();
	va_start(ap, fmt);
	vsnprintf(shim_last_log, sizeof(shim_last_log), fmt, ap);
	va_end(ap);
	if (level[0] <= '4')
		shim_err_lines++;
	if (getenv("SHIM_LOG"))
		fprintf(stderr, "<%s>%s", level, shim_last_log);
	shim_unlock();
}

void shim_warn(const char *what)
{
	shim_lock();
	shim_warns++;
	if (getenv("SHIM_LOG"))
		fprintf(stderr, "WARNING: %s\n", what);
	shim_unlock();
}

void shim_die(const char *fmt, ...)
{
	va_list ap;

	fputs("shim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	/* Spare valgrind's leak check a scan of 8 GiB of simulated RAM. */
	shim_mm_unmap();
	abort();
}

void shim_log_reset(void)
{
	shim_lock();
	shim_warns = 0;
	shim_unlock();
}
