/* rx — bounded regular expressions (PCRE2, UTF mode) for patterns typed by users and written in
 * etc/: compiled with a length cap, matched with match and depth limits (and JIT where
 * available), so a catastrophic pattern gets an error, never a stalled thread.
 * A compiled rx may be used by one thread at a time (each thread compiles its own, or uses a
 * match context of its own via rx_match on a copy). Strings passed in are borrowed. */
#ifndef PROPDESK_RX_H
#define PROPDESK_RX_H

#include <stdbool.h>
#include <stddef.h>

struct rx;

/* Errors. */
#define RX_ENOMATCH 0
#define RX_EPATTERN (-1)  /* the pattern does not compile (message in *err) */
#define RX_ELIMIT (-2)    /* the match or depth limit was hit: the pattern is too costly */
#define RX_EUTF (-3)      /* the subject is not valid UTF-8 */
#define RX_ENOMEM (-4)

#define RX_CASELESS 0x1

/* Compiles pattern (at most 1024 bytes, UTF-8). Returns NULL on error with *err a malloc'd
 * message naming the offset (caller frees). */
struct rx *rx_new(const char *pattern, unsigned flags, char **err);
/* The same with the message in lang ("zh": Chinese, naming the character offset; anything
 * else: English). */
struct rx *rx_new_lang(const char *pattern, unsigned flags, const char *lang, char **err);
void rx_free(struct rx *r);
/* 1 when text[0..len) matches, 0 when not, or a negative RX_E* error. */
int rx_match(struct rx *r, const char *text, size_t len);
/* A message for an RX_E* code in "zh" or "en". */
const char *rx_strerror(int err, const char *lang);

#endif
