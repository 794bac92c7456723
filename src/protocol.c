/*
** The sampling protocol of a round as the round page shows it: when and how the sample was
** drawn, from which case-list version and population, and what anyone needs to repeat the draw.
*/
#include "http.h"

void protocol_html(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	html_lit(b, "<h2>Udtrækningsprotokol</h2>\n<dl class=\"facts\">\n");
	html_fmt(b, "<dt>Udtrukket</dt><dd>%T</dd>\n<dt>Metode</dt><dd>", rd->sampled_at);
	if (str_eq(rd->sample_method, "per_advisor"))
		html_fmt(b, "%I sager pr. rådgiver", rd->sample_param);
	else
		html_fmt(b, "%I sager i alt", rd->sample_param);
	html_lit(b, "</dd>\n<dt>Sagsliste</dt><dd>");
	CaseListVersion v;
	if (rd->case_import_id && case_list_version(r->db, rd->case_import_id, &v)) {
		char text[600];
		case_list_version_text(&v, text, sizeof text);
		html_fmt(b, "%T%T", text, *v.file_name ? arena_printf(r->arena, _(" (filen %s)"), v.file_name) : "");
	} else {
		html_lit(b, "ikke registreret (udtrukket før tilsyn registrerede sagslistens versioner)");
	}
	html_fmt(b, "</dd>\n<dt>Population</dt><dd>%I mulige sager</dd>\n"
	            "<dt>Filtre</dt><dd><code>%T</code></dd>\n<dt>Udelukket</dt><dd>sager gennemgået i afdelingen de sidste %I "
	            "måneder</dd>\n<dt>Seed</dt><dd><code class=\"wrap\">%T</code></dd>\n"
	            "<dt>Populationens fingeraftryk</dt><dd><code class=\"wrap\">%T</code></dd>\n</dl>\n"
	            "<p class=\"hint\">Sådan kan udtrækningen efterprøves: hver mulig sag får nøglen BLAKE2b-256 med seed som "
	            "nøgle og sagsnummeret (UTF-8) som besked; stikprøven er sagerne med de mindste nøgler. Fingeraftrykket er "
	            "BLAKE2b-256 af de mulige sagsnumre, sorteret og ét pr. linje.</p>\n",
	         rd->population_size, str_eq(rd->filters, "{}") ? _("ingen") : rd->filters, rd->exclude_months, rd->seed,
	         rd->population_digest);
}
