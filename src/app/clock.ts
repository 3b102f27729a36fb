/** The one clock of the API. In sandbox mode it is the time-skipping server's time. */
export interface Clock {
  now(): Promise<Date>;
}

export const systemClock: Clock = { now: async () => new Date() };

/** Controls skipped time in sandbox mode. */
export interface SandboxControl extends Clock {
  /** Skips time to `to`; resolves once every timer due by then has fired and workflows settled. */
  advanceTo(to: Date): Promise<Date>;
}
