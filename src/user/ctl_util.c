// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: helpers: paths, files, strings and JSON output.
 */
#include "khoserctl.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Format a path into a static ring of buffers (a few live at once). */
const char *mkpath(const char *fmt, ...)
{
	static char ring[8][PATH_MAX];
	static unsigned int next;
	char *buf = ring[next++ % 8];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		die("file name too long: %s", buf);
	return buf;
}

/* Like path(), for messages: truncates instead of failing. */
const char *text(const char *fmt, ...)
{
	static char ring[4][1024];
	static unsigned int next;
	char *buf = ring[next++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(ring[0]), fmt, ap);
	va_end(ap);
	return buf;
}

/* Copy a string, truncating to fit @len bytes with its NUL. */
void scopy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

bool exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Read a small file, trailing whitespace removed. Returns length or -1. */
int read_text(const char *p, char *buf, size_t len)
{
	FILE *f = fopen(p, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' ||
		     buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	return (int)n;
}

/* A sysfs boolean ("Y"/"N"/"1"/"0"): 1, 0, or -1 when unreadable. */
int read_bool(const char *p)
{
	char buf[16];

	if (read_text(p, buf, sizeof(buf)) < 1)
		return -1;
	return buf[0] == 'Y' || buf[0] == 'y' || buf[0] == '1';
}

/* ------------------------------------------------------------------ JSON */

void json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

const char *json_bool(int v)
{
	return v < 0 ? "null" : v ? "true" : "false";
}
