// SPDX-License-Identifier: GPL-2.0-only
/*
 * Composite compatible strings: validation, building, checking, catalogue.
 */
#include "test.h"

TEST(valid_strings)
{
	CHECK_EQ(khoser_compat_valid("mydrv-v2"), 0);
	CHECK_EQ(khoser_compat_valid("mydrv-v2;khoser-block-v1"), 0);
	CHECK_EQ(khoser_compat_valid("my_drv-x-v10;khoser-block-v1;khoser-sarray-v1"), 0);
	CHECK_EQ(khoser_compat_valid("a-v0"), 0);
	CHECK_EQ(khoser_compat_valid("zz-v1;aa-v1;bb-v1"), 0);	/* owner first */
}

TEST(invalid_strings)
{
	static const char * const bad[] = {
		"", "mydrv", "mydrv-v", "mydrv-v01", "-v1", "v1", "mydrv-1",
		"Mydrv-v1", "my drv-v1", "my--drv-v1", "-mydrv-v1",
		"mydrv--v1", "mydrv-v1;", ";mydrv-v1", "mydrv-v1;;a-v1",
		"mydrv-v1;b-v1;a-v1",		/* formats not sorted */
		"mydrv-v1;a-v1;a-v2",		/* base twice */
		"mydrv-v1;a-v1;a-v1",		/* duplicate */
		"mydrv-v1;mydrv-v2",		/* owner base again */
		"mydrv-v1234567890",		/* version too long */
		"mydrv-v1x", "mydrv-v-1", "mydrv-v1\n",
	};
	char big[400];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (khoser_compat_valid(bad[i]) != -EINVAL) {
			CHECK_EQ(i, 1000);
		}
	}
	CHECK_EQ(khoser_compat_valid(NULL), -EINVAL);
	/* Longest accepted: 255 characters. */
	memset(big, 'a', sizeof(big));
	memcpy(big + 252, "-v1", 4);
	CHECK_EQ(strlen(big), 255);
	CHECK_EQ(khoser_compat_valid(big), 0);
	memset(big, 'a', sizeof(big));
	memcpy(big + 253, "-v1", 4);
	CHECK_EQ(khoser_compat_valid(big), -EINVAL);
	/* At most 16 components. */
	strcpy(big, "o-v1");
	for (i = 0; i < 15; i++)
		sprintf(big + strlen(big), ";f%c-v1", 'a' + i);
	CHECK_EQ(khoser_compat_valid(big), 0);
	strcat(big, ";fz-v1");
	CHECK_EQ(khoser_compat_valid(big), -EINVAL);
}

TEST(build_sorts_and_dedups)
{
	const char *f[] = { "khoser-sarray-v1", KHOSER_BLOCK_COMPAT,
			    "khoser-sarray-v1" };
	char buf[KHOSER_COMPAT_LEN];

	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", f, 3),
		 strlen("mydrv-v2;khoser-block-v1;khoser-sarray-v1"));
	CHECK(!strcmp(buf, "mydrv-v2;khoser-block-v1;khoser-sarray-v1"));
	CHECK_EQ(khoser_compat_valid(buf), 0);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", NULL, 0), 8);
	CHECK(!strcmp(buf, "mydrv-v2"));
	/* Prefix ordering: "ab" before "ab-c" before "abc". */
	{
		const char *g[] = { "abc-v1", "ab-c-v1", "ab-v1" };

		CHECK(khoser_compat_build(buf, sizeof(buf), "o-v1", g, 3) > 0);
		CHECK(!strcmp(buf, "o-v1;ab-v1;ab-c-v1;abc-v1"));
		CHECK_EQ(khoser_compat_valid(buf), 0);
	}
}

TEST(build_rejects)
{
	const char *two[] = { "khoser-block-v1", "khoser-block-v2" };
	const char *own[] = { "mydrv-v3" };
	const char *bad[] = { "khoser-block" };
	const char *nul[] = { NULL };
	char buf[KHOSER_COMPAT_LEN], small[10];

	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", two, 2),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", own, 1),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", bad, 1),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", nul, 1),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv;x-v1", NULL, 0),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), NULL, NULL, 0),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(small, sizeof(small), "mydrv-v2",
				     (const char *[]){ "khoser-block-v1" }, 1),
		 -ENOSPC);
	CHECK_EQ(small[0], '\0');
}

TEST(check_names_the_component)
{
	const char *exp = "mydrv-v2;khoser-block-v1;khoser-sarray-v1";
	int lines = shim_err_lines;

	CHECK_EQ(khoser_compat_check("obj", exp, exp), 0);
	CHECK_EQ(shim_err_lines, lines);
	CHECK_EQ(khoser_compat_check("obj", exp,
				     "mydrv-v2;khoser-block-v2;khoser-sarray-v1"),
		 -EPROTO);
	CHECK(!strcmp(shim_last_log,
		      "khoser: obj: khoser-block: expected v1, found v2\n"));
	CHECK_EQ(khoser_compat_check("obj", exp,
				     "mydrv-v1;khoser-block-v1;khoser-sarray-v1"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "obj: mydrv: expected v2, found v1"));
	CHECK_EQ(khoser_compat_check("obj", exp, "mydrv-v2;khoser-block-v1"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-sarray: expected v1, not present"));
	CHECK_EQ(khoser_compat_check("obj", "mydrv-v2;khoser-block-v1", exp),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-sarray: not expected, found v1"));
	CHECK_EQ(khoser_compat_check("obj", exp,
				     "other-v2;khoser-block-v1;khoser-sarray-v1"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "owner mydrv expected, found other"));
	CHECK_EQ(khoser_compat_check("obj", exp, "garbage"), -EPROTO);
	CHECK(strstr(shim_last_log, "malformed"));
	CHECK_EQ(khoser_compat_check("obj", exp, NULL), -EPROTO);
	CHECK_EQ(khoser_compat_check("obj", "bad", exp), -EINVAL);
	/* One line per failed check. */
	CHECK_EQ(shim_err_lines - lines, 8);
}

TEST(catalogue)
{
	unsigned int i;
	bool block = false;

	for (i = 0; khoser_compat_format(i); i++) {
		CHECK_EQ(khoser_compat_valid(khoser_compat_format(i)), 0);
		if (!strcmp(khoser_compat_format(i), KHOSER_BLOCK_COMPAT))
			block = true;
	}
	CHECK(block);
	CHECK(!khoser_compat_format(i));
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-block-v1"), 0);
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-block-v9"), -EINVAL);
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-nothing-v1"), -EINVAL);
	CHECK_EQ(khoser_compat_known("mydrv-v1;other-fmt-v3"), 0);
	CHECK_EQ(khoser_compat_known("bad"), -EINVAL);
}

static const struct test_case cases[] = {
	TEST_ENTRY(valid_strings),
	TEST_ENTRY(invalid_strings),
	TEST_ENTRY(build_sorts_and_dedups),
	TEST_ENTRY(build_rejects),
	TEST_ENTRY(check_names_the_component),
	TEST_ENTRY(catalogue),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
