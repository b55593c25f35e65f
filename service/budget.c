/* budget — a shared byte budget with a first-come, first-served line (see budget.h). */
#include "budget.h"

#include <string.h>

void budget_init(struct budget *b, size_t limit, size_t max_waiting)
{
	memset(b, 0, sizeof *b);
	b->limit = limit;
	b->max_waiting = max_waiting;
}

/* Takes c out of the line (it is in it). */
static void budget_unlink(struct budget *b, struct budget_claim *c)
{
	struct budget_claim **p = &b->head, *prev = NULL;

	while (*p != NULL && *p != c) {
		prev = *p;
		p = &(*p)->next;
	}
	if (*p == NULL)
		return;
	*p = c->next;
	if (b->tail == c)
		b->tail = prev;
	c->next = NULL;
	c->waiting = false;
	b->nwaiting--;
}

/* Grants the claims at the head of the line while they fit (strictly in order: a big claim
 * at the head is never overtaken, so it is never starved). */
static void budget_grant(struct budget *b, budget_fn granted, void *arg)
{
	while (b->head != NULL && b->used + b->head->want <= b->limit) {
		struct budget_claim *c = b->head;

		budget_unlink(b, c);
		c->held = c->want;
		b->used += c->held;
		if (granted != NULL)
			granted(arg, c);
	}
}

enum budget_answer budget_claim(struct budget *b, struct budget_claim *c, size_t want, uint64_t now,
                                uint64_t wait)
{
	memset(c, 0, sizeof *c);
	c->asked = want;
	c->want = want < b->limit ? want : b->limit;
	if (b->head == NULL && b->used + c->want <= b->limit) {
		c->held = c->want;
		b->used += c->held;
		return BUDGET_GRANTED;
	}
	if (b->nwaiting >= b->max_waiting)
		return BUDGET_REFUSED;
	c->waiting = true;
	c->deadline = now + wait;
	if (b->tail != NULL)
		b->tail->next = c;
	else
		b->head = c;
	b->tail = c;
	b->nwaiting++;
	return BUDGET_WAITING;
}

void budget_release(struct budget *b, struct budget_claim *c, budget_fn granted, void *arg)
{
	if (c->waiting) {
		budget_unlink(b, c);
	} else if (c->held > 0) {
		b->used -= c->held;
		c->held = 0;
	}
	budget_grant(b, granted, arg);
}

void budget_set_limit(struct budget *b, size_t limit, size_t max_waiting, budget_fn granted,
                      void *arg)
{
	struct budget_claim *c;

	b->limit = limit;
	b->max_waiting = max_waiting;
	for (c = b->head; c != NULL; c = c->next)
		c->want = c->asked < limit ? c->asked : limit;
	budget_grant(b, granted, arg);
}

uint64_t budget_expire(struct budget *b, uint64_t now, budget_fn expired, budget_fn granted,
                       void *arg)
{
	struct budget_claim *c;
	uint64_t first = 0;

	/* One at a time from the head: a callback may change the line. */
	for (;;) {
		for (c = b->head; c != NULL && c->deadline > now; c = c->next)
			;
		if (c == NULL)
			break;
		budget_unlink(b, c);
		if (expired != NULL)
			expired(arg, c);
		/* The claim that gave up may have held up smaller ones behind it. */
		budget_grant(b, granted, arg);
	}
	for (c = b->head; c != NULL; c = c->next)
		if (first == 0 || c->deadline < first)
			first = c->deadline;
	return first;
}
