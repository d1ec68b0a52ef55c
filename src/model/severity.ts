/** How bad a change is. Ordered: info < warning < critical. */
export type Severity = 'info' | 'warning' | 'critical';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };
