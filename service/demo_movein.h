/* demo_movein — the demo desk's move-ins for `propdeskd demo seed`: a new estate of 960 units
 * (buildings 13-18) joins the register, every unit gets a housing type (one in six
 * resettlement) and its owner's ID number, and three in four of them a
 * move-in at every stage — documents missing or rejected, fees part paid, inspections with
 * open and overdue defects, a proxy, a waiver, reviews and keys — all through the store API
 * (audited as session "demo-seed"), from the move-in rules given. Deterministic for a seed.
 * Offline, one thread; the store and the rules are borrowed. */
#ifndef PROPDESK_DEMO_MOVEIN_H
#define PROPDESK_DEMO_MOVEIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct movein_rules;

/* Seeds the move-ins of st's units (after demo_seed). *started gets how many were started.
 * Returns 0 or a negative store error with a message on err (may be NULL). */
int demo_movein_seed(struct store *st, const struct movein_rules *r, uint64_t seed,
                     size_t *started, FILE *err);

/* Starts the move-ins of units[i] for every i that is a multiple of every (1: all), taken to
 * stages in turn (the k-th started to stage k % 8: documents part received ... keys handed
 * over); the units need their housing type and area. *started counts them. For loads (the
 * benchmark's estate). */
struct unit;
int demo_movein_start_units(struct store *st, const struct movein_rules *r,
                            const struct unit *units, size_t n, size_t every, uint64_t seed,
                            size_t *started, FILE *err);

#endif
