// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"
#include "xalloc.h"

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static size_t find(const struct strset *set, const char *s, size_t n)
{
	size_t i = hash(s, n) & (set->size - 1);

	while (set->slot[i] &&
	       (strlen(set->slot[i]) != n || memcmp(set->slot[i], s, n)))
		i = (i + 1) & (set->size - 1);
	return i;
}

static void grow(struct strset *set)
{
	struct strset big = { NULL, set->size ? set->size * 2 : 64, 0 };

	big.slot = xcalloc(big.size, sizeof(*big.slot));
	for (size_t i = 0; i < set->size; i++)
		if (set->slot[i])
			big.slot[find(&big, set->slot[i], strlen(set->slot[i]))] =
				set->slot[i];
	big.nr = set->nr;
	free(set->slot);
	*set = big;
}

bool strset_addn(struct strset *set, const char *s, size_t n)
{
	size_t i;

	if ((set->nr + 1) * 2 > set->size)
		grow(set);
	i = find(set, s, n);
	if (set->slot[i])
		return false;
	set->slot[i] = xstrndup(s, n);
	set->nr++;
	return true;
}

bool strset_add(struct strset *set, const char *s)
{
	return strset_addn(set, s, strlen(s));
}

bool strset_has(const struct strset *set, const char *s)
{
	return set->size && set->slot[find(set, s, strlen(s))];
}

void strset_clear(struct strset *set)
{
	for (size_t i = 0; i < set->size; i++)
		free(set->slot[i]);
	free(set->slot);
	memset(set, 0, sizeof(*set));
}
