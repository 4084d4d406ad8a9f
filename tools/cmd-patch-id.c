// SPDX-License-Identifier: GPL-2.0
/* placeholder: being written */
#include "builtin.h"
#include "util/usage.h"

int cmd_patch_id(int argc, char **argv)
{
	die("'patch-id' is being written");
}
