/*
** Tests of the HTML writer (html.c): html_text, html_attr and html_url escape every
** character that matters in their context and pass everything else (also non-ASCII UTF-8)
** through; html_fmt's conversions %T %A %U %d %I %% route each argument through the right
** escaper; an unknown conversion is a programming error and aborts; a status tag escapes its
** kind and its word.
*/
#include "unit_helpers.h"
#include "http.h"

static char *render_text(const char *s)
{
	Buf b;
	buf_init(&b, 0);
	html_text(&b, s);
	return buf_detach(&b);
}

static char *render_attr(const char *s)
{
	Buf b;
	buf_init(&b, 0);
	html_attr(&b, s);
	return buf_detach(&b);
}

static char *render_url(const char *s)
{
	Buf b;
	buf_init(&b, 0);
	html_url(&b, s);
	return buf_detach(&b);
}

#define CHECK(render, in, want)                \
	do {                                   \
		char *got_ = render(in);       \
		assert_string_equal(got_, want); \
		free(got_);                    \
	} while (0)

static void text_escapes_markup(void **state)
{
	(void)state;
	CHECK(render_text, "&", "&amp;");
	CHECK(render_text, "<", "&lt;");
	CHECK(render_text, ">", "&gt;");
	CHECK(render_text, "\"", "&quot;");
	CHECK(render_text, "'", "&#39;");
	CHECK(render_text, "<script>alert('x&y')</script>",
	      "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;");
	CHECK(render_text, "&amp;", "&amp;amp;"); /* no double-decoding shortcuts */
	CHECK(render_text, "plain text 123", "plain text 123");
}

static void text_passes_utf8_and_handles_empty(void **state)
{
	(void)state;
	CHECK(render_text, "Rådgiver Ærø øst – “citat” €", "Rådgiver Ærø øst – “citat” €");
	CHECK(render_text, "æ<ø>å", "æ&lt;ø&gt;å");
	CHECK(render_text, "", "");
	CHECK(render_text, NULL, "");
}

static void attr_escapes_both_quotes(void **state)
{
	(void)state;
	CHECK(render_attr, "&", "&amp;");
	CHECK(render_attr, "<", "&lt;");
	CHECK(render_attr, ">", "&gt;");
	CHECK(render_attr, "\"", "&quot;");
	CHECK(render_attr, "'", "&#39;");
	CHECK(render_attr, "\" onmouseover=\"alert(1)", "&quot; onmouseover=&quot;alert(1)");
	CHECK(render_attr, "' onfocus='x", "&#39; onfocus=&#39;x");
	CHECK(render_attr, "Søren Østergård", "Søren Østergård");
	CHECK(render_attr, "", "");
	CHECK(render_attr, NULL, "");
}

static void url_percent_encodes(void **state)
{
	(void)state;
	CHECK(render_url, "abcXYZ019-_.~", "abcXYZ019-_.~");
	CHECK(render_url, "&", "%26");
	CHECK(render_url, "<", "%3C");
	CHECK(render_url, ">", "%3E");
	CHECK(render_url, "\"", "%22");
	CHECK(render_url, "'", "%27");
	CHECK(render_url, " ", "%20");
	CHECK(render_url, "a=b?c#d+e%f", "a%3Db%3Fc%23d%2Be%25f");
	CHECK(render_url, "æ", "%C3%A6");
	CHECK(render_url, "Ø€", "%C3%98%E2%82%AC");
	CHECK(render_url, "\t\n", "%09%0A");
	/* '/' stays as it is: html_url is also used for a whole local path in ?next=. */
	CHECK(render_url, "/d/BHS", "/d/BHS");
	CHECK(render_url, "", "");
	CHECK(render_url, NULL, "");
}

static void url_output_is_attribute_safe(void **state)
{
	(void)state;
	char *s = render_url("\"'<>& javascript:alert(1)");
	for (const char *p = s; *p; p++)
		assert_null(strchr("\"'<>& ", *p));
	free(s);
}

static void fmt_conversions(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	html_fmt(&b, "<p title=\"%A\">%T</p><a href=\"/d/%U\">%d %I %%</a>", "a\"b", "<x & y>", "Bø H", -42,
	         (int64_t)9007199254740993LL);
	assert_string_equal(buf_cstr(&b),
	                    "<p title=\"a&quot;b\">&lt;x &amp; y&gt;</p><a href=\"/d/B%C3%B8%20H\">-42 9007199254740993 %</a>");
	buf_reset(&b);
	html_fmt(&b, "%I|%I|%d|%d", INT64_MIN, INT64_MAX, INT32_MIN, 0);
	assert_string_equal(buf_cstr(&b), "-9223372036854775808|9223372036854775807|-2147483648|0");
	buf_reset(&b);
	html_fmt(&b, "no conversions at all");
	assert_string_equal(buf_cstr(&b), "no conversions at all");
	buf_reset(&b);
	html_fmt(&b, "%T%A%U", NULL, "", "");
	assert_string_equal(buf_cstr(&b), "");
	buf_reset(&b);
	html_fmt(&b, "100%% <b>%T</b>%%", "'");
	assert_string_equal(buf_cstr(&b), "100% <b>&#39;</b>%");
	buf_free(&b);
}

static void fmt_appends(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	html_lit(&b, "<ul>");
	html_fmt(&b, "<li>%T</li>", "a");
	html_fmt(&b, "<li>%T</li>", "b");
	html_lit(&b, "</ul>");
	assert_string_equal(buf_cstr(&b), "<ul><li>a</li><li>b</li></ul>");
	buf_free(&b);
}

static void option_escapes_and_selects(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	html_option(&b, "a\"b", "<Leder>", 1);
	html_option(&b, "x", "y", 0);
	assert_string_equal(buf_cstr(&b), "<option value=\"a&quot;b\" selected>&lt;Leder&gt;</option>"
	                                  "<option value=\"x\">y</option>");
	buf_free(&b);
}

/* A status tag: the kind is a class, the word is text, both escaped. */
static void tag_escapes_kind_and_word(void **state)
{
	(void)state;
	Buf b;
	buf_init(&b, 0);
	html_tag(&b, "done", "færdig");
	html_tag(&b, "x\" onclick=\"y", "<i gang>");
	char *got = buf_detach(&b);
	assert_string_equal(got, "<strong class=\"tag done\">færdig</strong>"
	                         "<strong class=\"tag x&quot; onclick=&quot;y\">&lt;i gang&gt;</strong>");
	free(got);
}

static void fmt_with_s(void *arg)
{
	(void)arg;
	Buf b;
	buf_init(&b, 0);
	html_fmt(&b, "<p>%s</p>", "raw <b>");
}

static void fmt_with_trailing_percent(void *arg)
{
	(void)arg;
	Buf b;
	buf_init(&b, 0);
	html_fmt(&b, "50%");
}

static void fmt_with_x(void *arg)
{
	(void)arg;
	Buf b;
	buf_init(&b, 0);
	html_fmt(&b, "%x", 255);
}

static void fmt_known_conversions(void *arg)
{
	(void)arg;
	Buf b;
	buf_init(&b, 0);
	html_fmt(&b, "%T %A %U %d %I %%", "t", "a", "u", 1, (int64_t)2);
	buf_free(&b);
}

static void fmt_unknown_conversion_aborts(void **state)
{
	(void)state;
	assert_true(dies_with_abort(fmt_with_s, NULL));
	assert_true(dies_with_abort(fmt_with_trailing_percent, NULL));
	assert_true(dies_with_abort(fmt_with_x, NULL));
	/* The check itself can tell: the known conversions do not abort. */
	assert_false(dies_with_abort(fmt_known_conversions, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_escapes_markup),
		cmocka_unit_test(text_passes_utf8_and_handles_empty),
		cmocka_unit_test(attr_escapes_both_quotes),
		cmocka_unit_test(url_percent_encodes),
		cmocka_unit_test(url_output_is_attribute_safe),
		cmocka_unit_test(fmt_conversions),
		cmocka_unit_test(fmt_appends),
		cmocka_unit_test(option_escapes_and_selects),
		cmocka_unit_test(tag_escapes_kind_and_word),
		cmocka_unit_test(fmt_unknown_conversion_aborts),
	};
	return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
