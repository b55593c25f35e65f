/* utf8 — strict UTF-8 decoding, display width and the terminal-output sanitizer.
 *
 * The width tables were generated from the Unicode 14.0 character database (Python's
 * unicodedata): zero width = general category Mn, Me and Cf (except the visible Cf characters
 * U+00AD, U+0600-0605, U+06DD, U+070F, U+0890-0891, U+08E2, U+110BD, U+110CD) plus the Hangul
 * medial and final jamo; wide = East Asian Width W or F for assigned characters, plus whole CJK
 * blocks (assigned or not), CJK symbols and punctuation, kana, Hangul syllables, fullwidth
 * forms and the emoji blocks U+1F300-1F64F and U+1F900-1F9FF. Zero width wins over wide (so the
 * combining ideographic tone marks and kana voicing marks take no column). */
#include "utf8.h"

#include <string.h>

struct utf8_range {
	uint32_t first;
	uint32_t last;
};

static const struct utf8_range utf8_zero_ranges[] = {
    {0x0300, 0x036F},   {0x0483, 0x0489},   {0x0591, 0x05BD},   {0x05BF, 0x05BF},
    {0x05C1, 0x05C2},   {0x05C4, 0x05C5},   {0x05C7, 0x05C7},   {0x0610, 0x061A},
    {0x061C, 0x061C},   {0x064B, 0x065F},   {0x0670, 0x0670},   {0x06D6, 0x06DC},
    {0x06DF, 0x06E4},   {0x06E7, 0x06E8},   {0x06EA, 0x06ED},   {0x0711, 0x0711},
    {0x0730, 0x074A},   {0x07A6, 0x07B0},   {0x07EB, 0x07F3},   {0x07FD, 0x07FD},
    {0x0816, 0x0819},   {0x081B, 0x0823},   {0x0825, 0x0827},   {0x0829, 0x082D},
    {0x0859, 0x085B},   {0x0898, 0x089F},   {0x08CA, 0x08E1},   {0x08E3, 0x0902},
    {0x093A, 0x093A},   {0x093C, 0x093C},   {0x0941, 0x0948},   {0x094D, 0x094D},
    {0x0951, 0x0957},   {0x0962, 0x0963},   {0x0981, 0x0981},   {0x09BC, 0x09BC},
    {0x09C1, 0x09C4},   {0x09CD, 0x09CD},   {0x09E2, 0x09E3},   {0x09FE, 0x09FE},
    {0x0A01, 0x0A02},   {0x0A3C, 0x0A3C},   {0x0A41, 0x0A42},   {0x0A47, 0x0A48},
    {0x0A4B, 0x0A4D},   {0x0A51, 0x0A51},   {0x0A70, 0x0A71},   {0x0A75, 0x0A75},
    {0x0A81, 0x0A82},   {0x0ABC, 0x0ABC},   {0x0AC1, 0x0AC5},   {0x0AC7, 0x0AC8},
    {0x0ACD, 0x0ACD},   {0x0AE2, 0x0AE3},   {0x0AFA, 0x0AFF},   {0x0B01, 0x0B01},
    {0x0B3C, 0x0B3C},   {0x0B3F, 0x0B3F},   {0x0B41, 0x0B44},   {0x0B4D, 0x0B4D},
    {0x0B55, 0x0B56},   {0x0B62, 0x0B63},   {0x0B82, 0x0B82},   {0x0BC0, 0x0BC0},
    {0x0BCD, 0x0BCD},   {0x0C00, 0x0C00},   {0x0C04, 0x0C04},   {0x0C3C, 0x0C3C},
    {0x0C3E, 0x0C40},   {0x0C46, 0x0C48},   {0x0C4A, 0x0C4D},   {0x0C55, 0x0C56},
    {0x0C62, 0x0C63},   {0x0C81, 0x0C81},   {0x0CBC, 0x0CBC},   {0x0CBF, 0x0CBF},
    {0x0CC6, 0x0CC6},   {0x0CCC, 0x0CCD},   {0x0CE2, 0x0CE3},   {0x0D00, 0x0D01},
    {0x0D3B, 0x0D3C},   {0x0D41, 0x0D44},   {0x0D4D, 0x0D4D},   {0x0D62, 0x0D63},
    {0x0D81, 0x0D81},   {0x0DCA, 0x0DCA},   {0x0DD2, 0x0DD4},   {0x0DD6, 0x0DD6},
    {0x0E31, 0x0E31},   {0x0E34, 0x0E3A},   {0x0E47, 0x0E4E},   {0x0EB1, 0x0EB1},
    {0x0EB4, 0x0EBC},   {0x0EC8, 0x0ECD},   {0x0F18, 0x0F19},   {0x0F35, 0x0F35},
    {0x0F37, 0x0F37},   {0x0F39, 0x0F39},   {0x0F71, 0x0F7E},   {0x0F80, 0x0F84},
    {0x0F86, 0x0F87},   {0x0F8D, 0x0F97},   {0x0F99, 0x0FBC},   {0x0FC6, 0x0FC6},
    {0x102D, 0x1030},   {0x1032, 0x1037},   {0x1039, 0x103A},   {0x103D, 0x103E},
    {0x1058, 0x1059},   {0x105E, 0x1060},   {0x1071, 0x1074},   {0x1082, 0x1082},
    {0x1085, 0x1086},   {0x108D, 0x108D},   {0x109D, 0x109D},   {0x1160, 0x11FF},
    {0x135D, 0x135F},   {0x1712, 0x1714},   {0x1732, 0x1733},   {0x1752, 0x1753},
    {0x1772, 0x1773},   {0x17B4, 0x17B5},   {0x17B7, 0x17BD},   {0x17C6, 0x17C6},
    {0x17C9, 0x17D3},   {0x17DD, 0x17DD},   {0x180B, 0x180F},   {0x1885, 0x1886},
    {0x18A9, 0x18A9},   {0x1920, 0x1922},   {0x1927, 0x1928},   {0x1932, 0x1932},
    {0x1939, 0x193B},   {0x1A17, 0x1A18},   {0x1A1B, 0x1A1B},   {0x1A56, 0x1A56},
    {0x1A58, 0x1A5E},   {0x1A60, 0x1A60},   {0x1A62, 0x1A62},   {0x1A65, 0x1A6C},
    {0x1A73, 0x1A7C},   {0x1A7F, 0x1A7F},   {0x1AB0, 0x1ACE},   {0x1B00, 0x1B03},
    {0x1B34, 0x1B34},   {0x1B36, 0x1B3A},   {0x1B3C, 0x1B3C},   {0x1B42, 0x1B42},
    {0x1B6B, 0x1B73},   {0x1B80, 0x1B81},   {0x1BA2, 0x1BA5},   {0x1BA8, 0x1BA9},
    {0x1BAB, 0x1BAD},   {0x1BE6, 0x1BE6},   {0x1BE8, 0x1BE9},   {0x1BED, 0x1BED},
    {0x1BEF, 0x1BF1},   {0x1C2C, 0x1C33},   {0x1C36, 0x1C37},   {0x1CD0, 0x1CD2},
    {0x1CD4, 0x1CE0},   {0x1CE2, 0x1CE8},   {0x1CED, 0x1CED},   {0x1CF4, 0x1CF4},
    {0x1CF8, 0x1CF9},   {0x1DC0, 0x1DFF},   {0x200B, 0x200F},   {0x202A, 0x202E},
    {0x2060, 0x2064},   {0x2066, 0x206F},   {0x20D0, 0x20F0},   {0x2CEF, 0x2CF1},
    {0x2D7F, 0x2D7F},   {0x2DE0, 0x2DFF},   {0x302A, 0x302D},   {0x3099, 0x309A},
    {0xA66F, 0xA672},   {0xA674, 0xA67D},   {0xA69E, 0xA69F},   {0xA6F0, 0xA6F1},
    {0xA802, 0xA802},   {0xA806, 0xA806},   {0xA80B, 0xA80B},   {0xA825, 0xA826},
    {0xA82C, 0xA82C},   {0xA8C4, 0xA8C5},   {0xA8E0, 0xA8F1},   {0xA8FF, 0xA8FF},
    {0xA926, 0xA92D},   {0xA947, 0xA951},   {0xA980, 0xA982},   {0xA9B3, 0xA9B3},
    {0xA9B6, 0xA9B9},   {0xA9BC, 0xA9BD},   {0xA9E5, 0xA9E5},   {0xAA29, 0xAA2E},
    {0xAA31, 0xAA32},   {0xAA35, 0xAA36},   {0xAA43, 0xAA43},   {0xAA4C, 0xAA4C},
    {0xAA7C, 0xAA7C},   {0xAAB0, 0xAAB0},   {0xAAB2, 0xAAB4},   {0xAAB7, 0xAAB8},
    {0xAABE, 0xAABF},   {0xAAC1, 0xAAC1},   {0xAAEC, 0xAAED},   {0xAAF6, 0xAAF6},
    {0xABE5, 0xABE5},   {0xABE8, 0xABE8},   {0xABED, 0xABED},   {0xD7B0, 0xD7FF},
    {0xFB1E, 0xFB1E},   {0xFE00, 0xFE0F},   {0xFE20, 0xFE2F},   {0xFEFF, 0xFEFF},
    {0xFFF9, 0xFFFB},   {0x101FD, 0x101FD}, {0x102E0, 0x102E0}, {0x10376, 0x1037A},
    {0x10A01, 0x10A03}, {0x10A05, 0x10A06}, {0x10A0C, 0x10A0F}, {0x10A38, 0x10A3A},
    {0x10A3F, 0x10A3F}, {0x10AE5, 0x10AE6}, {0x10D24, 0x10D27}, {0x10EAB, 0x10EAC},
    {0x10F46, 0x10F50}, {0x10F82, 0x10F85}, {0x11001, 0x11001}, {0x11038, 0x11046},
    {0x11070, 0x11070}, {0x11073, 0x11074}, {0x1107F, 0x11081}, {0x110B3, 0x110B6},
    {0x110B9, 0x110BA}, {0x110C2, 0x110C2}, {0x11100, 0x11102}, {0x11127, 0x1112B},
    {0x1112D, 0x11134}, {0x11173, 0x11173}, {0x11180, 0x11181}, {0x111B6, 0x111BE},
    {0x111C9, 0x111CC}, {0x111CF, 0x111CF}, {0x1122F, 0x11231}, {0x11234, 0x11234},
    {0x11236, 0x11237}, {0x1123E, 0x1123E}, {0x112DF, 0x112DF}, {0x112E3, 0x112EA},
    {0x11300, 0x11301}, {0x1133B, 0x1133C}, {0x11340, 0x11340}, {0x11366, 0x1136C},
    {0x11370, 0x11374}, {0x11438, 0x1143F}, {0x11442, 0x11444}, {0x11446, 0x11446},
    {0x1145E, 0x1145E}, {0x114B3, 0x114B8}, {0x114BA, 0x114BA}, {0x114BF, 0x114C0},
    {0x114C2, 0x114C3}, {0x115B2, 0x115B5}, {0x115BC, 0x115BD}, {0x115BF, 0x115C0},
    {0x115DC, 0x115DD}, {0x11633, 0x1163A}, {0x1163D, 0x1163D}, {0x1163F, 0x11640},
    {0x116AB, 0x116AB}, {0x116AD, 0x116AD}, {0x116B0, 0x116B5}, {0x116B7, 0x116B7},
    {0x1171D, 0x1171F}, {0x11722, 0x11725}, {0x11727, 0x1172B}, {0x1182F, 0x11837},
    {0x11839, 0x1183A}, {0x1193B, 0x1193C}, {0x1193E, 0x1193E}, {0x11943, 0x11943},
    {0x119D4, 0x119D7}, {0x119DA, 0x119DB}, {0x119E0, 0x119E0}, {0x11A01, 0x11A0A},
    {0x11A33, 0x11A38}, {0x11A3B, 0x11A3E}, {0x11A47, 0x11A47}, {0x11A51, 0x11A56},
    {0x11A59, 0x11A5B}, {0x11A8A, 0x11A96}, {0x11A98, 0x11A99}, {0x11C30, 0x11C36},
    {0x11C38, 0x11C3D}, {0x11C3F, 0x11C3F}, {0x11C92, 0x11CA7}, {0x11CAA, 0x11CB0},
    {0x11CB2, 0x11CB3}, {0x11CB5, 0x11CB6}, {0x11D31, 0x11D36}, {0x11D3A, 0x11D3A},
    {0x11D3C, 0x11D3D}, {0x11D3F, 0x11D45}, {0x11D47, 0x11D47}, {0x11D90, 0x11D91},
    {0x11D95, 0x11D95}, {0x11D97, 0x11D97}, {0x11EF3, 0x11EF4}, {0x13430, 0x13438},
    {0x16AF0, 0x16AF4}, {0x16B30, 0x16B36}, {0x16F4F, 0x16F4F}, {0x16F8F, 0x16F92},
    {0x16FE4, 0x16FE4}, {0x1BC9D, 0x1BC9E}, {0x1BCA0, 0x1BCA3}, {0x1CF00, 0x1CF2D},
    {0x1CF30, 0x1CF46}, {0x1D167, 0x1D169}, {0x1D173, 0x1D182}, {0x1D185, 0x1D18B},
    {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244}, {0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C},
    {0x1DA75, 0x1DA75}, {0x1DA84, 0x1DA84}, {0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF},
    {0x1E000, 0x1E006}, {0x1E008, 0x1E018}, {0x1E01B, 0x1E021}, {0x1E023, 0x1E024},
    {0x1E026, 0x1E02A}, {0x1E130, 0x1E136}, {0x1E2AE, 0x1E2AE}, {0x1E2EC, 0x1E2EF},
    {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
    {0xE0100, 0xE01EF},
};

static const struct utf8_range utf8_wide_ranges[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x2E99},
    {0x2E9B, 0x2EF3},   {0x2F00, 0x2FD5},   {0x2FF0, 0x2FFB},   {0x3000, 0x30FF},
    {0x3105, 0x312F},   {0x3131, 0x318E},   {0x3190, 0x31E3},   {0x31F0, 0x321E},
    {0x3220, 0x3247},   {0x3250, 0x4DBF},   {0x4E00, 0xA48C},   {0xA490, 0xA4C6},
    {0xA960, 0xA97C},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE52},   {0xFE54, 0xFE66},   {0xFE68, 0xFE6B},   {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4}, {0x16FF0, 0x16FF1}, {0x17000, 0x187F7},
    {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3}, {0x1AFF5, 0x1AFFB},
    {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122}, {0x1B150, 0x1B152}, {0x1B164, 0x1B167},
    {0x1B170, 0x1B2FB}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
    {0x1F191, 0x1F19A}, {0x1F200, 0x1F202}, {0x1F210, 0x1F23B}, {0x1F240, 0x1F248},
    {0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6C5},
    {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7}, {0x1F6DD, 0x1F6DF},
    {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0},
    {0x1F900, 0x1F9FF}, {0x1FA70, 0x1FA74}, {0x1FA78, 0x1FA7C}, {0x1FA80, 0x1FA86},
    {0x1FA90, 0x1FAAC}, {0x1FAB0, 0x1FABA}, {0x1FAC0, 0x1FAC5}, {0x1FAD0, 0x1FAD9},
    {0x1FAE0, 0x1FAE7}, {0x1FAF0, 0x1FAF6}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c, lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t v;

	if (len == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2 || c > 0xF4)
		return -1;
	if (c < 0xE0) {
		need = 2;
		v = c & 0x1F;
	} else if (c < 0xF0) {
		need = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else {
		need = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* > U+10FFFF */
	}
	for (i = 1; i < need; i++) {
		if (i >= len)
			return 0;
		if (s[i] < lo || s[i] > hi)
			return -1;
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return (int)need;
}

int utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static bool utf8_in_table(uint32_t cp, const struct utf8_range *t, size_t n)
{
	size_t lo = 0, hi = n;

	if (n == 0 || cp < t[0].first || cp > t[n - 1].last)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp > t[mid].last)
			lo = mid + 1;
		else if (cp < t[mid].first)
			hi = mid;
		else
			return true;
	}
	return false;
}

/* The invisible characters, with their names (utf8.h). */
struct utf8_invisible {
	uint32_t first, last;
	const char *en, *zh;
};

static const struct utf8_invisible utf8_invisibles[] = {
    {0x061C, 0x061C, "arabic letter mark", "阿拉伯字母标记"},
    {0x200B, 0x200B, "zero width space", "零宽空格"},
    {0x200C, 0x200C, "zero width non-joiner", "零宽不连字符"},
    {0x200D, 0x200D, "zero width joiner", "零宽连字符"},
    {0x200E, 0x200E, "left-to-right mark", "从左到右标记"},
    {0x200F, 0x200F, "right-to-left mark", "从右到左标记"},
    {0x2028, 0x2028, "line separator", "行分隔符"},
    {0x2029, 0x2029, "paragraph separator", "段分隔符"},
    {0x202A, 0x202A, "left-to-right embedding", "从左到右嵌入符"},
    {0x202B, 0x202B, "right-to-left embedding", "从右到左嵌入符"},
    {0x202C, 0x202C, "pop directional formatting", "方向格式结束符"},
    {0x202D, 0x202D, "left-to-right override", "从左到右强制符"},
    {0x202E, 0x202E, "right-to-left override", "从右到左强制符"},
    {0x2060, 0x2060, "word joiner", "零宽词连接符"},
    {0x2061, 0x2064, "invisible operator", "不可见运算符"},
    {0x2066, 0x2066, "left-to-right isolate", "从左到右隔离符"},
    {0x2067, 0x2067, "right-to-left isolate", "从右到左隔离符"},
    {0x2068, 0x2068, "first strong isolate", "首强字符隔离符"},
    {0x2069, 0x2069, "pop directional isolate", "方向隔离结束符"},
    {0x206A, 0x206F, "deprecated format character", "已废弃的格式字符"},
    {0xFEFF, 0xFEFF, "zero width no-break space, or byte order mark",
     "零宽不换行空格，即字节顺序标记"},
    {0xFFF9, 0xFFFB, "interlinear annotation character", "行间注释字符"},
    {0xE0000, 0xE007F, "tag character", "标签字符"},
};

static const struct utf8_invisible *utf8_invisible_find(uint32_t cp)
{
	size_t i;

	if (cp < 0x061C || (cp > 0x206F && cp < 0xFEFF) || (cp > 0xFFFB && cp < 0xE0000) ||
	    cp > 0xE007F)
		return NULL;
	for (i = 0; i < sizeof utf8_invisibles / sizeof utf8_invisibles[0]; i++)
		if (cp >= utf8_invisibles[i].first && cp <= utf8_invisibles[i].last)
			return &utf8_invisibles[i];
	return NULL;
}

bool utf8_is_invisible(uint32_t cp)
{
	return utf8_invisible_find(cp) != NULL;
}

const char *utf8_invisible_name(uint32_t cp, bool zh)
{
	const struct utf8_invisible *v = utf8_invisible_find(cp);

	return v == NULL ? NULL : zh ? v->zh : v->en;
}

bool utf8_find_invisible(const char *s, size_t len, uint32_t *cp, size_t *off, size_t *nchar)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = 1;

	while (i < len) {
		int r = utf8_decode(p + i, len - i, cp);

		if (r > 0 && utf8_is_invisible(*cp)) {
			*off = i;
			*nchar = n;
			return true;
		}
		i += r > 0 ? (size_t)r : 1;
		n++;
	}
	return false;
}

/* The shown form of an invisible character. */
static void utf8_show_cp(struct buf *out, uint32_t cp)
{
	buf_printf(out, "<U+%04X>", (unsigned)cp);
}

void utf8_show(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0;

	while (i < len) {
		uint32_t cp;
		int r = utf8_decode(p + i, len - i, &cp);

		if (r > 0 && utf8_is_invisible(cp)) {
			buf_append(out, s + start, i - start);
			utf8_show_cp(out, cp);
			start = i + (size_t)r;
		}
		i += r > 0 ? (size_t)r : 1;
	}
	buf_append(out, s + start, len - start);
}

int utf8_cpwidth(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return -1;
	if (cp < 0x300)
		return 1;
	if (utf8_is_invisible(cp))
		return cp > 0xFFFF ? 9 : 8; /* shown as <U+202E> or <U+E0041> */
	if (utf8_in_table(cp, utf8_zero_ranges,
	                  sizeof(utf8_zero_ranges) / sizeof(utf8_zero_ranges[0])))
		return 0;
	if (utf8_in_table(cp, utf8_wide_ranges,
	                  sizeof(utf8_wide_ranges) / sizeof(utf8_wide_ranges[0])))
		return 2;
	return 1;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		int r = utf8_decode(p + i, len - i, &cp);

		if (r <= 0 || cp == 0)
			return false;
		i += (size_t)r;
	}
	return true;
}

size_t utf8_prefix_for_width(const char *s, size_t len, size_t max_cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, cols = 0;

	while (i < len) {
		uint32_t cp;
		int r = utf8_decode(p + i, len - i, &cp);
		size_t n = 1, w = 1;

		if (r > 0) {
			int cw = utf8_cpwidth(cp);

			n = (size_t)r;
			w = cw < 0 ? 0 : (size_t)cw;
		}
		if (cols + w > max_cols)
			break;
		cols += w;
		i += n;
	}
	return i;
}

/* The escape-sequence scanner shared by the sanitizer and utf8_width: it walks the text and
 * reports each printable character, each stray control and each invalid byte sequence, and
 * silently skips whole escape sequences (7-bit and 8-bit forms). */
enum utf8_item {
	UTF8_ITEM_CHAR,    /* printable code point (width >= 0) */
	UTF8_ITEM_CONTROL, /* C0 (not ESC), DEL or C1 control outside any sequence */
	UTF8_ITEM_INVALID, /* invalid or truncated UTF-8 */
};

enum utf8_scan_state {
	UTF8_SCAN_GROUND,
	UTF8_SCAN_ESC,       /* after ESC */
	UTF8_SCAN_ESC_INTER, /* ESC followed by intermediates (0x20-0x2F), waiting for the final */
	UTF8_SCAN_CSI,       /* ESC [ or U+009B: parameters/intermediates until a final 0x40-0x7E */
	UTF8_SCAN_STR,       /* OSC/DCS/SOS/PM/APC string until BEL or ST */
	UTF8_SCAN_STR_ESC,   /* ESC inside such a string: ESC \ is ST */
};

#define UTF8_INVALID_CP 0xFFFFFFFFu

typedef void (*utf8_item_fn)(void *ctx, enum utf8_item kind, uint32_t cp);

static bool utf8_is_string_intro(uint32_t cp)
{
	return cp == ']' || cp == 'P' || cp == 'X' || cp == '^' || cp == '_';
}

static bool utf8_is_c1_string_intro(uint32_t cp)
{
	return cp == 0x90 || cp == 0x98 || cp == 0x9D || cp == 0x9E || cp == 0x9F;
}

static enum utf8_scan_state utf8_scan_step(enum utf8_scan_state st, uint32_t cp, utf8_item_fn fn,
                                           void *ctx)
{
	for (;;) {
		switch (st) {
		case UTF8_SCAN_GROUND:
			if (cp == UTF8_INVALID_CP)
				fn(ctx, UTF8_ITEM_INVALID, cp);
			else if (cp == 0x1B)
				return UTF8_SCAN_ESC;
			else if (cp == 0x9B)
				return UTF8_SCAN_CSI;
			else if (utf8_is_c1_string_intro(cp))
				return UTF8_SCAN_STR;
			else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
				fn(ctx, UTF8_ITEM_CONTROL, cp);
			else
				fn(ctx, UTF8_ITEM_CHAR, cp);
			return UTF8_SCAN_GROUND;
		case UTF8_SCAN_ESC:
			if (cp == '[')
				return UTF8_SCAN_CSI;
			if (utf8_is_string_intro(cp))
				return UTF8_SCAN_STR;
			if (cp == 0x1B)
				return UTF8_SCAN_ESC;
			if (cp >= 0x20 && cp <= 0x2F)
				return UTF8_SCAN_ESC_INTER;
			if (cp == UTF8_INVALID_CP) {
				st = UTF8_SCAN_GROUND;
				continue;
			}
			return UTF8_SCAN_GROUND; /* ESC + one character: both dropped */
		case UTF8_SCAN_ESC_INTER:
			if (cp >= 0x20 && cp <= 0x2F)
				return UTF8_SCAN_ESC_INTER;
			if (cp >= 0x30 && cp <= 0x7E)
				return UTF8_SCAN_GROUND;
			if (cp == 0x1B)
				return UTF8_SCAN_ESC;
			st = UTF8_SCAN_GROUND;
			continue;
		case UTF8_SCAN_CSI:
			if (cp >= 0x20 && cp <= 0x3F)
				return UTF8_SCAN_CSI;
			if (cp >= 0x40 && cp <= 0x7E)
				return UTF8_SCAN_GROUND;
			if (cp == 0x1B)
				return UTF8_SCAN_ESC;
			if (cp == 0x18 || cp == 0x1A)
				return UTF8_SCAN_GROUND; /* CAN, SUB cancel */
			if (cp < 0x20 || cp == 0x7F)
				return UTF8_SCAN_CSI; /* other controls inside a CSI are dropped */
			st = UTF8_SCAN_GROUND; /* malformed: end the sequence, keep the text */
			continue;
		case UTF8_SCAN_STR:
			if (cp == 0x07 || cp == 0x9C || cp == 0x18 || cp == 0x1A)
				return UTF8_SCAN_GROUND;
			if (cp == 0x1B)
				return UTF8_SCAN_STR_ESC;
			return UTF8_SCAN_STR;
		case UTF8_SCAN_STR_ESC:
			if (cp == '\\')
				return UTF8_SCAN_GROUND;
			st = UTF8_SCAN_ESC; /* an ESC inside a string starts a new sequence */
			continue;
		}
		return UTF8_SCAN_GROUND;
	}
}

static void utf8_scan(const char *s, size_t len, utf8_item_fn fn, void *ctx)
{
	const unsigned char *p = (const unsigned char *)s;
	enum utf8_scan_state st = UTF8_SCAN_GROUND;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		int r = utf8_decode(p + i, len - i, &cp);

		if (r > 0) {
			i += (size_t)r;
		} else {
			/* A truncated sequence at the end counts as one invalid character. */
			i = r == 0 ? len : i + 1;
			cp = UTF8_INVALID_CP;
		}
		st = utf8_scan_step(st, cp, fn, ctx);
	}
}

static void utf8_width_cb(void *ctx, enum utf8_item kind, uint32_t cp)
{
	size_t *cols = ctx;

	if (kind == UTF8_ITEM_CHAR)
		*cols += (size_t)utf8_cpwidth(cp);
	else if (kind == UTF8_ITEM_INVALID)
		*cols += 1;
}

size_t utf8_width(const char *s, size_t len)
{
	size_t cols = 0;

	utf8_scan(s, len, utf8_width_cb, &cols);
	return cols;
}

struct utf8_sanitize_ctx {
	struct buf *out;
	unsigned flags;
};

static void utf8_sanitize_cb(void *ctx, enum utf8_item kind, uint32_t cp)
{
	struct utf8_sanitize_ctx *sc = ctx;
	char enc[4];

	switch (kind) {
	case UTF8_ITEM_CHAR:
		if (utf8_is_invisible(cp))
			utf8_show_cp(sc->out, cp);
		else
			buf_append(sc->out, enc, (size_t)utf8_encode(cp, enc));
		break;
	case UTF8_ITEM_INVALID:
		buf_append(sc->out, "\xEF\xBF\xBD", 3);
		break;
	case UTF8_ITEM_CONTROL:
		if (cp == '\n')
			buf_putc(sc->out, (sc->flags & UTF8_KEEP_NEWLINES) ? '\n' : ' ');
		else if (cp == '\t')
			buf_putc(sc->out, ' ');
		break;
	}
}

void utf8_sanitize(struct buf *out, const char *s, size_t len, unsigned flags)
{
	struct utf8_sanitize_ctx sc = {out, flags};

	utf8_scan(s, len, utf8_sanitize_cb, &sc);
}

void utf8_fold_width(struct buf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const unsigned char *u = (const unsigned char *)s + i;

		/* U+FF01..U+FF5E are EF BC 81..EF BC BF and EF BD 80..EF BD 9E; U+3000 is E3 80 80. */
		if (len - i >= 3 && u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x81 && u[2] <= 0xBF) {
			buf_putc(out, (char)(u[2] - 0x81 + 0x21));
			i += 3;
		} else if (len - i >= 3 && u[0] == 0xEF && u[1] == 0xBD && u[2] >= 0x80 &&
			   u[2] <= 0x9E) {
			buf_putc(out, (char)(u[2] - 0x80 + 0x60));
			i += 3;
		} else if (len - i >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) {
			buf_putc(out, ' ');
			i += 3;
		} else {
			buf_putc(out, s[i]);
			i++;
		}
	}
	buf_puts(out, "");
}

const char *utf8_fold_trim(struct buf *out, const char *s)
{
	size_t start = out->len, from, end;

	utf8_fold_width(out, s, strlen(s));
	from = start;
	end = out->len;
	while (from < end && out->data[from] == ' ')
		from++;
	while (end > from && out->data[end - 1] == ' ')
		end--;
	memmove(out->data + start, out->data + from, end - from);
	out->len = start + (end - from);
	out->data[out->len] = '\0';
	return out->data + start;
}
