/*
** The help page (/hjaelp), in Danish for each role: the steps of a tilsyn in this program,
** what the figures mean, and who sees what. It is readable without logging in: it holds no
** data of any department or case, only how the program works, and someone who cannot log in
** yet (a new user, a forgotten password, an outside reviewer before the invitation) or who
** decides whether to use tilsyn should be able to read it. Every page links to it from the
** footer (html.c).
*/
#include "http.h"

/* The steps of a tilsyn as the program leads through them: what to do and where. */
static void steps(Buf *b)
{
	html_lit(b, "<h2 id=\"trin\">Trinene i et tilsyn</h2>\n"
	            "<p>Et tilsyn følger de officielle anbefalinger for ledelsestilsyn. Tilsynets side viser, hvilket trin "
	            "I er nået til, og hvad der er det næste. tilsyn advarer, når en plan afviger fra anbefalingerne, men "
	            "forbyder ikke afdelingens egne valg.</p>\n<ol class=\"steps\">\n"
	            "<li><strong>Planlæg.</strong> Lederen eller koordinatoren opretter tilsynet under <em>Tilsyn</em>: "
	            "overordnet (mindst 30 sager) eller uddybende (mindst 20 sager og højst to temaer). Arbejdsgruppen "
	            "(3-5 personer: leder, faglig koordinator og 1-3 rådgivere) svarer på planlægningsspørgsmålene: hvem "
	            "gennemgår, hvor mange sager, hvordan de vælges, hvornår, og om der skal være stop-op-møder. Tilsynet "
	            "står i afdelingens årshjul; anbefalingen er mindst to tilsyn om året.</li>\n"
	            "<li><strong>Informér medarbejderne.</strong> Præsentér rammen og tidsplanen på et personalemøde, før "
	            "gennemgangen begynder. Mødet planlægges under <em>Møder</em>.</li>\n"
	            "<li><strong>Indlæs sagslisten.</strong> Under <em>Sagsliste</em> indlæses et udtræk fra sagssystemet "
	            "(CSV eller Excel). Du ser en forhåndsvisning, før noget gemmes. Filen må ikke indeholde CPR-numre "
	            "eller borgernes navne.</li>\n"
	            "<li><strong>Træk stikprøven.</strong> På tilsynets side trækkes sagerne tilfældigt, så alle kan "
	            "efterprøve udtrækket bagefter. Sager, der er gennemgået for nylig, kan udelades. En sag kan erstattes "
	            "med en begrundelse.</li>\n"
	            "<li><strong>Fordel sagerne.</strong> Under <em>Gennemgang</em> fordeles sagerne mellem dem, der "
	            "gennemgår. Ingen får en sag, hvor de selv er rådgiver.</li>\n"
	            "<li><strong>Gennemgå.</strong> Den, der gennemgår, svarer ja, delvist, nej eller ikke relevant på "
	            "hvert spørgsmål, markerer svar med væsentlig betydning og kan skrive en kommentar. Når alle spørgsmål "
	            "er besvaret, markeres sagen som færdig. Man kan også udfylde et registreringsark i Excel og indlæse "
	            "det.</li>\n"
	            "<li><strong>Analysér.</strong> <em>Resultater</em> viser for hvert spørgsmål og område, hvor stor en "
	            "andel der er opfyldt, og om det er bedre eller dårligere end sidst.</li>\n"
	            "<li><strong>Rapportér.</strong> Under <em>Rapport</em> skriver arbejdsgruppen konklusionen og henter "
	            "rapporten til ledelsen og til medarbejderne (PDF, Word-venlig HTML eller Excel).</li>\n"
	            "<li><strong>Giv tilbagemelding.</strong> Resultaterne fremlægges på et personalemøde med fokus på det "
	            "generelle, og hver rådgiver får en individuel tilbagemelding på sine egne sager. Konkrete sager "
	            "bruges kun som eksempel, hvis rådgiveren har sagt ja.</li>\n"
	            "<li><strong>Følg op.</strong> Under <em>Tiltag</em> besluttes, hvad der skal ændres, hvem der har "
	            "ansvaret og hvornår. Måles de samme sagstyper igen, bør der gå 8-10 måneder, så nye vaner kan nå at "
	            "sætte sig.</li>\n</ol>\n"
	            "<p>Alle lister (sagslisten, stikprøven, fremdriften, resultaterne, tiltagene og årshjulet) kan hentes "
	            "som regneark med linket <em>Hent … som regneark (xlsx)</em> på siden.</p>\n");
}

static void figures(Buf *b)
{
	html_lit(b, "<h2 id=\"tal\">Hvad tallene betyder</h2>\n<dl class=\"facts\">\n"
	            "<dt>Opfyldt</dt><dd>Andelen af svarene ja blandt ja, delvist og nej. Et spørgsmål med 18 ja, 6 "
	            "delvist og 6 nej er opfyldt i 18 af 30 sager: 60 %. <em>Mindst delvist</em> tæller delvist med som "
	            "opfyldt.</dd>\n"
	            "<dt>Ikke relevant</dt><dd>Spørgsmålet passer ikke til sagen (fx et spørgsmål om en frist, der ikke "
	            "gælder for den slags sag). Ikke relevant og ubesvarede spørgsmål tæller hverken med som opfyldt eller "
	            "ikke opfyldt; de er trukket ud af andelen. Et spørgsmål, der afhænger af et andet, er ikke relevant, "
	            "når svaret på det første gør det overflødigt.</dd>\n"
	            "<dt>95 %-interval</dt><dd>Stikprøven er kun en del af sagerne, så andelen er usikker. Intervallet "
	            "viser, hvor den sande andel for alle afdelingens sager med stor sandsynlighed ligger (95 %). Med få "
	            "sager er intervallet bredt: 60 % af 30 sager betyder et sted mellem cirka 42 % og 75 %. Sammenlign "
	            "derfor intervaller, ikke kun procenter.</dd>\n"
	            "<dt>Væsentlig betydning</dt><dd>Den, der gennemgår, markerer et svar med væsentlig betydning, når "
	            "manglen kan have haft betydning for afgørelsens resultat, som Ankestyrelsen gør det. Tallet viser, "
	            "hvor mange sager det gælder for spørgsmålet.</dd>\n"
	            "<dt>Forbedret, forværret, ingen sikker ændring</dt><dd>Ændringen er forskellen mellem andelen opfyldt nu og i det "
	            "forrige sammenlignelige tilsyn (samme afdeling og type, samme spørgsmål), med sit eget "
	            "95 %-interval. Kun når hele intervallet ligger over 0, står der <strong>forbedret</strong>; kun "
	            "når det hele ligger under 0, <strong>forværret</strong>. Ellers står der <strong>ingen sikker "
	            "ændring</strong>: forskellen kan skyldes, hvilke sager der tilfældigt kom med. I regnearket er "
	            "ændringen tre tal: ændringen og intervallets to ender.</dd>\n"
	            "<dt>Akut bekymring</dt><dd>En sag, hvor den, der gennemgår, ser noget, der skal handles på nu. "
	            "Markeringen står ved sagen under <em>Gennemgang</em>, og antallet står i rapporten.</dd>\n</dl>\n");
}

/* Who sees what, as the program enforces it. */
static void roles(Buf *b)
{
	html_lit(b, "<h2 id=\"roller\">Hvem ser hvad</h2>\n"
	            "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Hvem ser hvad\"><table>\n"
	            "<caption>Roller i en afdeling</caption>\n"
	            "<thead><tr><th scope=\"col\">Rolle</th><th scope=\"col\">Gør</th><th scope=\"col\">Ser</th></tr></thead>\n"
	            "<tbody>\n"
	            "<tr><th scope=\"row\">Leder</th><td>Ejer tilsynet, beslutter tiltag, knytter rådgivernes navne i "
	            "sagslisten til brugere, frigiver den individuelle tilbagemelding.</td><td>Alt i afdelingen, også "
	            "logbogen over, hvem der har set eller ændret en sag.</td></tr>\n"
	            "<tr><th scope=\"row\">Koordinator</th><td>Planlægger, indlæser sagslisten, trækker stikprøven, "
	            "fordeler og gennemgår sager, forbereder resultater og rapport.</td><td>Alt i afdelingens tilsyn, "
	            "resultater og rapporter.</td></tr>\n"
	            "<tr><th scope=\"row\">Rådgiver</th><td>Gennemgår de sager, der er fordelt til en (aldrig egne "
	            "sager).</td><td>De sager, man skal gennemgå, egne resultater og den individuelle tilbagemelding på "
	            "egne sager, når lederen har frigivet den. Møder for hele personalet og afdelingens tiltag.</td></tr>\n"
	            "<tr><th scope=\"row\">Ekstern</th><td>Gennemgår sagerne i det eksterne tilsyn, man er inviteret "
	            "til.</td><td>Kun det tilsyn, man er inviteret til; intet om de enkelte rådgivere.</td></tr>\n"
	            "<tr><th scope=\"row\">Administrator</th><td>Opretter brugere og afdelinger.</td><td>Ingen sager og "
	            "ingen svar, medmindre man også har en rolle i afdelingen.</td></tr>\n"
	            "</tbody>\n</table></div>\n"
	            "<p>Rapporten til medarbejderne viser kun samlede tal, så ingen rådgiver eller sag kan genkendes. "
	            "Hver gang nogen ser eller ændrer oplysninger om en sag, skrives det i logbogen.</p>\n");
}

static void per_role(Buf *b)
{
	html_lit(b, "<h2 id=\"din-rolle\">Til din rolle</h2>\n"
	            "<h3>Leder og koordinator</h3>\n<p>Start på afdelingens side og opret et tilsyn. Tilsynets side "
	            "viser trinene og det næste, der skal gøres. Sagslisten kan søges i med en del af sagsnummeret, og "
	            "filtrene finder en del af teksten, uanset store og små bogstaver.</p>\n"
	            "<h3>Rådgiver, der gennemgår</h3>\n<p>Forsiden viser de sager, du skal gennemgå. Svar på hvert "
	            "spørgsmål, og gem. Du kan bruge tastaturet: J (ja), D (delvist), N (nej) og I (ikke relevant) for "
	            "spørgsmålet, der har fokus. Markér sagen som færdig, når alle spørgsmål er besvaret; tilsyn viser "
	            "de spørgsmål, der mangler.</p>\n"
	            "<h3>Ekstern</h3>\n<p>Du ser kun det tilsyn, du er inviteret til. Gennemgå sagerne som ovenfor; "
	            "forventningsafstemningen står på tilsynets side.</p>\n"
	            "<h3>Administrator</h3>\n<p>Opret afdelinger og brugere under <em>Afdelinger</em> og <em>Brugere</em>. "
	            "En bruger får en rolle pr. afdeling. Kommandolinjen er beskrevet i README-filen, der følger med "
	            "programmet.</p>\n");
}

void page_help(Req *r)
{
	Buf *b = &r->out;
	page_begin(r, _("Hjælp"));
	html_lit(b, "<h1>Hjælp til tilsyn</h1>\n"
	            "<p class=\"lead\">tilsyn er afdelingens værktøj til ledelsestilsyn: ledelsens systematiske "
	            "gennemgang af en stikprøve af afdelingens sager for at lære, hvor praksis halter, og blive bedre.</p>\n"
	            "<nav aria-label=\"Indhold\"><ul>"
	            "<li><a href=\"#trin\">Trinene i et tilsyn</a></li>"
	            "<li><a href=\"#tal\">Hvad tallene betyder</a></li>"
	            "<li><a href=\"#roller\">Hvem ser hvad</a></li>"
	            "<li><a href=\"#din-rolle\">Til din rolle</a></li>"
	            "</ul></nav>\n");
	steps(b);
	figures(b);
	roles(b);
	per_role(b);
	page_end(r);
}
