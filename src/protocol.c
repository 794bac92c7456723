/*
** The sampling protocol of a round as the round page shows it: in Danish sentences, when and
** how the sample was drawn, from which case-list version and population, with which filters
** and exclusions; the technical part that lets anyone repeat the draw (seed, method, the
** population's fingerprint) folded under "Vis detaljer".
*/
#include "http.h"

#include <jansson.h>
#include <string.h>

/* A stored filter value (JSON string) or NULL. */
static const char *filter(json_t *root, const char *name)
{
	const char *v = json_string_value(json_object_get(root, name));
	return v && *v ? v : NULL;
}

/* "fra 1. marts 2025 til 30. juni 2025", "fra 1. marts 2025", "til 30. juni 2025"; NULL for none. */
static const char *span(Req *r, const char *from, const char *to)
{
	if (from && to)
		return arena_printf(r->arena, _("fra %s til %s"), date_text_in(r->arena, from), date_text_in(r->arena, to));
	if (from)
		return arena_printf(r->arena, _("fra %s"), date_text_in(r->arena, from));
	if (to)
		return arena_printf(r->arena, _("til %s"), date_text_in(r->arena, to));
	return NULL;
}

/* The filters (sample.c's JSON) as one sentence. */
static void filters_sentence(Req *r, const char *stored)
{
	Buf *b = &r->out;
	json_t *root = json_loads(stored && *stored ? stored : "{}", 0, NULL);
	const char *parts[8];
	int n = 0;
	const char *target = filter(root, "target");
	if (target)
		parts[n++] = arena_printf(r->arena, _("målgruppe %s"), str_eq(target, "barn") ? _("børn") : _("voksne"));
	json_t *prov = json_object_get(root, "provisions");
	if (json_array_size(prov)) {
		Buf list;
		buf_init(&list, 0);
		for (size_t i = 0; i < json_array_size(prov); i++)
			buf_printf(&list, "%s»%s«", i == 0 ? "" : i + 1 == json_array_size(prov) ? _(" eller ") : ", ",
			           json_string_value(json_array_get(prov, i)));
		parts[n++] = arena_printf(r->arena, _("paragraf med %s"), buf_cstr(&list));
		buf_free(&list);
	}
	if (filter(root, "team"))
		parts[n++] = arena_printf(r->arena, _("team med »%s«"), filter(root, "team"));
	if (filter(root, "advisor"))
		parts[n++] = arena_printf(r->arena, _("rådgiver med »%s«"), filter(root, "advisor"));
	const char *opened = span(r, filter(root, "opened_from"), filter(root, "opened_to"));
	if (opened)
		parts[n++] = arena_printf(r->arena, _("oprettet %s"), opened);
	const char *decided = span(r, filter(root, "decided_from"), filter(root, "decided_to"));
	if (decided)
		parts[n++] = arena_printf(r->arena, _("seneste afgørelse %s"), decided);
	if (!root)
		html_lit(b, " Filtrene kunne ikke læses.");
	else if (n == 0)
		html_lit(b, " Alle sager på listen kunne komme med; der var ingen filtre.");
	else {
		html_lit(b, " Kun sager med ");
		for (int i = 0; i < n; i++)
			html_fmt(b, "%T%T", i == 0 ? "" : i + 1 == n ? _(" og ") : ", ", parts[i]);
		html_lit(b, " kunne komme med.");
	}
	json_decref(root);
}

void protocol_html(Req *r, const Round *rd)
{
	Buf *b = &r->out;
	html_fmt(b, "<section class=\"protocol\" aria-labelledby=\"protocol-h\">\n<h2 id=\"protocol-h\">Udtrækningsprotokol</h2>\n"
	            "<p>Stikprøven blev trukket %T: ",
	         date_time_in(r->arena, rd->sampled_at));
	if (str_eq(rd->sample_method, "per_advisor"))
		html_fmt(b, "%I tilfældigt udvalgte sager pr. rådgiver (alle sager hos en rådgiver med færre)", rd->sample_param);
	else
		html_fmt(b, "%I tilfældigt udvalgte sager i alt", rd->sample_param);
	html_fmt(b, " blandt %I mulige sager.", rd->population_size);
	CaseListVersion v;
	if (rd->case_import_id && case_list_version(r->db, rd->case_import_id, &v)) {
		char text[600];
		case_list_version_text(&v, text, sizeof text);
		html_fmt(b, " Sagerne kom fra %T%T.", text, *v.file_name ? arena_printf(r->arena, _(" (filen %s)"), v.file_name) : "");
	} else {
		html_lit(b, " Hvilken version af sagslisten stikprøven blev trukket fra, er ikke registreret (den blev trukket, før "
		            "tilsyn registrerede sagslistens versioner).");
	}
	filters_sentence(r, rd->filters);
	if (rd->exclude_months > 0)
		html_fmt(b, " Sager, der var gennemgået i afdelingen inden for de sidste %I måneder, kunne ikke komme med igen.",
		         rd->exclude_months);
	else
		html_lit(b, " Ingen sager var udelukket, fordi de for nylig var gennemgået.");
	html_lit(b, "</p>\n<p>Udtrækningen er tilfældig, men alle kan gentage den: med samme sagsliste og oplysningerne "
	            "nedenfor giver den præcis den samme stikprøve.</p>\n");

	html_fmt(b, "<details class=\"protocol-details\"><summary>Vis detaljer</summary>\n<dl class=\"facts\">\n"
	            "<dt>Seed</dt><dd><code class=\"wrap\">%T</code></dd>\n"
	            "<dt>Metode</dt><dd>Hver mulig sag får nøglen BLAKE2b-256 med seed som nøgle og sagsnummeret (UTF-8) som "
	            "besked; stikprøven er ",
	         rd->seed);
	if (str_eq(rd->sample_method, "per_advisor"))
		html_fmt(b, "de %I sager med de mindste nøgler hos hver rådgiver", rd->sample_param);
	else
		html_fmt(b, "de %I sager med de mindste nøgler", rd->sample_param);
	html_fmt(b, " (sammenlignet byte for byte).</dd>\n"
	            "<dt>Populationens fingeraftryk</dt><dd><code class=\"wrap\">%T</code><br>BLAKE2b-256 af de %I mulige "
	            "sagsnumre, sorteret og ét pr. linje.</dd>\n",
	         rd->population_digest, rd->population_size);
	if (rd->case_import_id)
		html_fmt(b, "<dt>Sagslistens version</dt><dd>nr. %I</dd>\n", rd->case_import_id);
	html_lit(b, "</dl>\n</details>\n</section>\n");
}
