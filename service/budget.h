/* budget — bytes shared by every session under one limit (the stdin that exec commands hold),
 * granted first come, first served: a claim that does not fit waits in line until releases
 * make room, or until its deadline passes. A claim holds all it may ever use, so a holder never
 * waits for more and the line always moves. Pure: no loop, no I/O; the owner passes the time
 * and acts on what the callbacks report. One thread (the loop). Claims are embedded in their
 * owners, who must release them before freeing them. */
#ifndef PROPDESK_BUDGET_H
#define PROPDESK_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct budget_claim {
	struct budget_claim *next; /* in line */
	size_t asked;              /* bytes asked for */
	size_t want;               /* what is granted: asked, clamped to the limit */
	size_t held;               /* bytes granted (0 while waiting or after release) */
	uint64_t deadline;         /* while waiting: when it gives up */
	bool waiting;
};

struct budget {
	size_t limit, used;
	size_t max_waiting; /* claims that may wait in line at once; more are refused */
	struct budget_claim *head, *tail; /* waiting, oldest first */
	size_t nwaiting;
};

/* Called for a claim taken out of line: granted (it now holds its want) or expired. */
typedef void (*budget_fn)(void *arg, struct budget_claim *c);

void budget_init(struct budget *b, size_t limit, size_t max_waiting);
enum budget_answer {
	BUDGET_GRANTED, /* c holds its want */
	BUDGET_WAITING, /* c waits in line */
	BUDGET_REFUSED, /* the line is full: c is not in use */
};
/* Asks for want bytes (clamped to the limit) at time now: granted at once, or c waits in line
 * behind any earlier claim until now + wait, or (max_waiting claims wait already) refused.
 * c must not be in use. */
enum budget_answer budget_claim(struct budget *b, struct budget_claim *c, size_t want, uint64_t now,
                                uint64_t wait);
/* Gives back what c holds, or takes it out of line (either may be nothing: then nothing
 * happens); then grants, in order, the waiting claims that fit, calling granted for each. */
void budget_release(struct budget *b, struct budget_claim *c, budget_fn granted, void *arg);
/* New limits (a reload): waiting claims that now fit are granted (granted is called); a
 * shorter line refuses only claims from now on. */
void budget_set_limit(struct budget *b, size_t limit, size_t max_waiting, budget_fn granted,
                      void *arg);
/* Takes out of line every claim whose deadline is at or before now, calling expired for each,
 * and grants the claims behind it that then fit (granted). Returns the next deadline of a
 * claim still waiting, or 0 when none waits. */
uint64_t budget_expire(struct budget *b, uint64_t now, budget_fn expired, budget_fn granted,
                       void *arg);

#endif
