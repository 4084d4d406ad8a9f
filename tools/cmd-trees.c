// SPDX-License-Identifier: GPL-2.0
/* placeholder: being written */
#include "builtin.h"
#include "util/usage.h"

int cmd_trees(int argc, char **argv)
{
	die("'trees' is being written");
}
