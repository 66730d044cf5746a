import { ReportQuery, reportRows } from "../shared/domain/report.js";
import { toCsv } from "../shared/http/csv.js";
import { route } from "../shared/http/routes.js";
import { ReportSummaryView } from "../shared/http/views.js";
import { reportFileName, summaryReport } from "../shared/services/reports.js";

route({
  name: "reports-summary",
  method: "GET",
  path: "reports/summary",
  action: "reports.summary",
  summary: "Figures for your municipality and a month",
  description:
    "Counts only, never per person or staff member; counts from 1 to 4 are suppressed, and totals that would give them away. `Accept: text/csv` gives the same figures as a spreadsheet. Logged.",
  query: ReportQuery,
  produces: { "text/csv": "the same figures, one row per figure: section, item, value (RFC 4180, UTF-8, with a header row)" },
  responses: {
    200: { description: "the figures; as CSV, an attachment", schema: ReportSummaryView, headers: { "Content-Disposition": false } },
  },
  handler: async ({ principal, query, mediaType }) => {
    const report = await summaryReport(principal, query.month);
    if (mediaType !== "text/csv") return { body: report };
    return {
      body: toCsv([["section", "item", "value"], ...reportRows(report)]),
      contentType: "text/csv; charset=utf-8",
      headers: { "Content-Disposition": `attachment; filename="${reportFileName(report)}"` },
    };
  },
});
