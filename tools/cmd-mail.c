// SPDX-License-Identifier: GPL-2.0
#include "builtin.h"
#include "util/usage.h"

int cmd_mail(int argc, char **argv)
{
	die("not yet");
}
