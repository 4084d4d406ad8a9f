/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKPORT_STABLEMAIL_H
#define BACKPORT_STABLEMAIL_H
#endif
