// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-API shim: string helpers of lib/string.c and lib/vsprintf.c.
 */
#include <stdarg.h>
#include "internal.h"

ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size);

	if (!size)
		return -E2BIG;
	if (n == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, n + 1);
	return n;
}

ssize_t strscpy_pad(char *dst, const char *src, size_t size)
{
	ssize_t r = strscpy(dst, src, size);
	size_t n = r < 0 ? size - 1 : (size_t)r;

	if (size)
		memset(dst + n, 0, size - n);
	return r;
}

void *memchr_inv(const void *p, int c, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != (unsigned char)c)
			return (void *)(s + i);
	return NULL;
}

/* The characters written, without the NUL (at most @size - 1). */
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!size)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

/* lib/crc32.c's crc32c(): reflected Castagnoli, no pre or post inversion. */
static u32 crc32c_table[256];

__attribute__((constructor)) static void crc32c_init(void)
{
	u32 i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (c & 1 ? 0x82f63b78u : 0);
		crc32c_table[i] = c;
	}
}

#if defined(__x86_64__)
/* As the kernel's crc32c_arch() on x86: the SSE4.2 instruction. */
__attribute__((target("sse4.2")))
static u32 crc32c_sse42(u32 crc, const u8 *b, size_t len)
{
	u64 v;

	for (; len >= 8; b += 8, len -= 8) {
		memcpy(&v, b, 8);
		crc = (u32)__builtin_ia32_crc32di(crc, v);
	}
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *b++);
	return crc;
}
#endif

u32 crc32c(u32 crc, const void *p, size_t len)
{
	const u8 *b = p;

#if defined(__x86_64__)
	if (__builtin_cpu_supports("sse4.2"))
		return crc32c_sse42(crc, b, len);
#endif
	while (len--)
		crc = crc32c_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return crc;
}
