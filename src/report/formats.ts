/** The report formats, in a module of its own so that the CLI can list them without loading the reporters. */
export const REPORT_FORMATS = ['stylish', 'compact', 'json', 'sarif', 'github', 'gitlab', 'checkstyle', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
