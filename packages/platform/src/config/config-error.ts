export interface SettingIssue {
  /** The environment variable at fault. */
  key: string;
  message: string;
}

/** Every bad or missing setting found at start, reported together so one restart fixes them all. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  readonly retryable = false;
  constructor(readonly issues: SettingIssue[]) {
    super(
      `invalid configuration (${issues.length} ${issues.length === 1 ? 'setting' : 'settings'}):\n` +
        issues.map((i) => `  - ${i.key}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
