/** The report formats Panelist writes. */
export const REPORT_FORMATS = ["md", "json", "html", "csv"] as const;

/** One report format. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];
