// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "verdict.h"

static const char *const names[VERDICT__COUNT] = {
	[VERDICT_APPLIED] = "applied",
	[VERDICT_APPLIED_OFFSET] = "applied-offset",
	[VERDICT_APPLIED_FUZZ] = "applied-fuzz",
	[VERDICT_MERGED_3WAY] = "merged-3way",
	[VERDICT_ALREADY_PRESENT] = "already-present",
	[VERDICT_PARTIALLY_PRESENT] = "partially-present",
	[VERDICT_NOT_APPLICABLE] = "not-applicable",
	[VERDICT_NOT_REQUESTED] = "not-requested",
	[VERDICT_DEPENDS] = "depends",
	[VERDICT_CONFLICT] = "conflict",
	[VERDICT_RESOLVED_RECORDED] = "resolved-recorded",
	[VERDICT_ADAPTED] = "adapted",
	[VERDICT_STALE_RESOLUTION] = "stale-resolution",
};

const char *verdict_name(enum verdict v)
{
	return (unsigned)v < VERDICT__COUNT ? names[v] : "unknown";
}

int verdict_from_name(const char *name)
{
	for (int i = 0; i < VERDICT__COUNT; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

bool verdict_is_applied(enum verdict v)
{
	switch (v) {
	case VERDICT_APPLIED:
	case VERDICT_APPLIED_OFFSET:
	case VERDICT_APPLIED_FUZZ:
	case VERDICT_MERGED_3WAY:
	case VERDICT_RESOLVED_RECORDED:
	case VERDICT_ADAPTED:
		return true;
	default:
		return false;
	}
}

bool verdict_is_failure(enum verdict v)
{
	return v == VERDICT_CONFLICT || v == VERDICT_DEPENDS ||
	       v == VERDICT_STALE_RESOLUTION;
}

static const char *const shorts[VERDICT__COUNT] = {
	[VERDICT_APPLIED] = "ok",
	[VERDICT_APPLIED_OFFSET] = "off",
	[VERDICT_APPLIED_FUZZ] = "fuzz",
	[VERDICT_MERGED_3WAY] = "3way",
	[VERDICT_ALREADY_PRESENT] = "pres",
	[VERDICT_PARTIALLY_PRESENT] = "part",
	[VERDICT_NOT_APPLICABLE] = "n/a",
	[VERDICT_NOT_REQUESTED] = "n/r",
	[VERDICT_DEPENDS] = "dep",
	[VERDICT_CONFLICT] = "CONF",
	[VERDICT_RESOLVED_RECORDED] = "rec",
	[VERDICT_ADAPTED] = "adapt",
	[VERDICT_STALE_RESOLUTION] = "stale",
};

const char *verdict_short(enum verdict v)
{
	return (unsigned)v < VERDICT__COUNT ? shorts[v] : "?";
}

bool verdict_needs_look(enum verdict v)
{
	switch (v) {
	case VERDICT_APPLIED_FUZZ:
	case VERDICT_MERGED_3WAY:
	case VERDICT_ADAPTED:
	case VERDICT_PARTIALLY_PRESENT:
	case VERDICT_DEPENDS:
	case VERDICT_CONFLICT:
	case VERDICT_STALE_RESOLUTION:
		return true;
	default:
		return false;
	}
}
