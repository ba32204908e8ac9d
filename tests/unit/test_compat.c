// SPDX-License-Identifier: GPL-2.0-only
#include "test.h"
static const struct test_case cases[] = {};
int main(int argc, char **argv) { return test_main(argc, argv, cases, 0); }
