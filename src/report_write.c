/*
** A report in the format asked for: the one place that chooses among the writers
** (report_html.c, report_pdf.c, report_xlsx.c), above the model (report.c) they all read.
*/
#include "report.h"

int report_write(const Report *rp, ReportFormat f, Buf *out, char *err, size_t n)
{
	switch (f) {
	case REPORT_HTML: return report_html(rp, out);
	case REPORT_PDF: return report_pdf(rp, out, err, n);
	case REPORT_XLSX: return report_xlsx(rp, out, err, n);
	}
	return -1;
}
