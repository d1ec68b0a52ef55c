/** A lease-holder-only write was attempted by a caller that no longer holds the alert's render lease. */
export class LeaseLostError extends Error {
  readonly code = 'LeaseLost';
  constructor(alertId: string) {
    super(`render lease on alert ${alertId} was lost`);
  }
}
