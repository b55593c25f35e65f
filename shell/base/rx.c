/* rx — bounded PCRE2 regular expressions: UTF + UCP, a pattern length cap, match / depth /
 * heap limits, JIT (with a JIT stack of its own) where the library has it. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rx.h"

#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define RX_PATTERN_MAX 1024
#define RX_MATCH_LIMIT 100000 /* backtracking steps per match */
#define RX_DEPTH_LIMIT 5000   /* nested backtracking frames (interpreter) */
#define RX_HEAP_LIMIT 8192    /* KiB of backtracking frames (interpreter) */
#define RX_PARENS_LIMIT 64
#define RX_JIT_STACK_START (32 * 1024)
#define RX_JIT_STACK_MAX (512 * 1024)

struct rx {
	pcre2_code *code;
	pcre2_match_context *mctx;
	pcre2_match_data *md;
	pcre2_jit_stack *jit_stack; /* NULL when the pattern is not JIT compiled */
};

static char *rx_errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *rx_errmsg(const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_steal(&b);
}

/* Characters (not bytes) before byte offset off of s: what a user counts. */
static size_t rx_char_offset(const char *s, size_t off)
{
	size_t i, n = 0;

	for (i = 0; i < off && s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* The Chinese for the compile errors users make most; NULL for the others (PCRE2's English
 * is given then, with its code). */
static const char *rx_compile_error_zh(int code)
{
	switch (code) {
	case PCRE2_ERROR_END_BACKSLASH:
		return "模式以 \\ 结尾";
	case PCRE2_ERROR_UNKNOWN_ESCAPE:
		return "无法识别的转义序列";
	case PCRE2_ERROR_QUANTIFIER_OUT_OF_ORDER:
		return "{} 中的数字顺序颠倒";
	case PCRE2_ERROR_QUANTIFIER_TOO_BIG:
		return "{} 中的数字过大";
	case PCRE2_ERROR_MISSING_SQUARE_BRACKET:
		return "字符类缺少右方括号 ]";
	case PCRE2_ERROR_ESCAPE_INVALID_IN_CLASS:
		return "字符类中的转义序列无效";
	case PCRE2_ERROR_CLASS_RANGE_ORDER:
		return "字符类中的范围顺序颠倒";
	case PCRE2_ERROR_QUANTIFIER_INVALID:
		return "量词前面没有可重复的内容";
	case PCRE2_ERROR_MISSING_CLOSING_PARENTHESIS:
		return "缺少右括号 )";
	case PCRE2_ERROR_BAD_SUBPATTERN_REFERENCE:
		return "引用了不存在的分组";
	case PCRE2_ERROR_MISSING_COMMENT_CLOSING:
		return "注释缺少右括号 )";
	case PCRE2_ERROR_PATTERN_TOO_LARGE:
		return "模式过大";
	case PCRE2_ERROR_UNMATCHED_CLOSING_PARENTHESIS:
		return "多余的右括号 )";
	case PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH:
		return "后行断言的长度不固定";
	default:
		return NULL;
	}
}

struct rx *rx_new(const char *pattern, unsigned flags, char **err)
{
	return rx_new_lang(pattern, flags, "en", err);
}

struct rx *rx_new_lang(const char *pattern, unsigned flags, const char *lang, char **err)
{
	bool zh = lang != NULL && strcmp(lang, "zh") == 0;
	pcre2_compile_context *cctx;
	uint32_t options = PCRE2_UTF | PCRE2_UCP;
	PCRE2_SIZE erroffset = 0;
	size_t len;
	int errcode = 0, jit = 0;
	struct rx *r;

	if (err != NULL)
		*err = NULL;
	if (pattern == NULL)
		pattern = "";
	len = strlen(pattern);
	if (len > RX_PATTERN_MAX) {
		if (err != NULL)
			*err = zh ? rx_errmsg("模式过长（%zu 字节，最多 %d 字节）", len, RX_PATTERN_MAX)
			          : rx_errmsg("pattern too long (%zu bytes, at most %d)", len,
			                      RX_PATTERN_MAX);
		return NULL;
	}
	if (flags & RX_CASELESS)
		options |= PCRE2_CASELESS;
	r = calloc(1, sizeof *r);
	cctx = pcre2_compile_context_create(NULL);
	if (r == NULL || cctx == NULL)
		goto nomem;
	pcre2_set_max_pattern_length(cctx, RX_PATTERN_MAX);
	pcre2_set_parens_nest_limit(cctx, RX_PARENS_LIMIT);
	r->code = pcre2_compile((PCRE2_SPTR)pattern, len, options, &errcode, &erroffset, cctx);
	pcre2_compile_context_free(cctx);
	cctx = NULL;
	if (r->code == NULL) {
		PCRE2_UCHAR msg[256];

		if (pcre2_get_error_message(errcode, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", errcode);
		if (err != NULL && zh && rx_compile_error_zh(errcode) != NULL)
			*err = rx_errmsg("第 %zu 个字符处：%s", rx_char_offset(pattern, erroffset),
			                 rx_compile_error_zh(errcode));
		else if (err != NULL && zh)
			*err = rx_errmsg("第 %zu 个字符处：模式有误（PCRE2：%s）",
			                 rx_char_offset(pattern, erroffset), (const char *)msg);
		else if (err != NULL)
			*err = rx_errmsg("at offset %zu: %s", rx_char_offset(pattern, erroffset),
			                 (const char *)msg);
		free(r);
		return NULL;
	}
	r->mctx = pcre2_match_context_create(NULL);
	r->md = pcre2_match_data_create(1, NULL);
	if (r->mctx == NULL || r->md == NULL)
		goto nomem;
	pcre2_set_match_limit(r->mctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, RX_DEPTH_LIMIT);
	pcre2_set_heap_limit(r->mctx, RX_HEAP_LIMIT);
	if (pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit == 1 &&
	    pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE) == 0) {
		r->jit_stack = pcre2_jit_stack_create(RX_JIT_STACK_START, RX_JIT_STACK_MAX, NULL);
		if (r->jit_stack == NULL)
			goto nomem;
		pcre2_jit_stack_assign(r->mctx, NULL, r->jit_stack);
	}
	return r;
nomem:
	pcre2_compile_context_free(cctx);
	rx_free(r);
	if (err != NULL)
		*err = rx_errmsg("out of memory");
	return NULL;
}

void rx_free(struct rx *r)
{
	if (r == NULL)
		return;
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	pcre2_jit_stack_free(r->jit_stack);
	pcre2_code_free(r->code);
	free(r);
}

int rx_match(struct rx *r, const char *text, size_t len)
{
	int rc;

	if (text == NULL) {
		text = "";
		len = 0;
	}
	rc = pcre2_match(r->code, (PCRE2_SPTR)text, len, 0, 0, r->md, r->mctx);
	if (rc >= 0)
		return 1;
	switch (rc) {
	case PCRE2_ERROR_NOMATCH:
	case PCRE2_ERROR_PARTIAL:
		return RX_ENOMATCH;
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return RX_ELIMIT;
	case PCRE2_ERROR_NOMEMORY:
		return RX_ENOMEM;
	default:
		break;
	}
	if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
		return RX_EUTF;
	/* Anything else (a bad offset, an internal error) is a limit of sorts: the pattern
	 * could not be answered. */
	return RX_ELIMIT;
}

const char *rx_strerror(int err, const char *lang)
{
	bool zh = lang != NULL && strcmp(lang, "zh") == 0;

	switch (err) {
	case RX_ENOMATCH:
		return zh ? "没有匹配" : "no match";
	case RX_EPATTERN:
		return zh ? "正则表达式无效" : "invalid regular expression";
	case RX_ELIMIT:
		return zh ? "正则表达式过于复杂（超出匹配步数限制），请简化后重试"
		          : "the regular expression is too costly (match limit reached): simplify "
		            "it";
	case RX_EUTF:
		return zh ? "文本不是有效的 UTF-8" : "the text is not valid UTF-8";
	case RX_ENOMEM:
		return zh ? "内存不足" : "out of memory";
	default:
		return zh ? "未知的正则表达式错误" : "unknown regular expression error";
	}
}
