// Structured JSON log lines with a request id. Fields are named primitives only; keys that
// could carry a secret are refused at the type level and dropped at run time, so a token, code, key or
// body can never reach the log by accident.
export type LogValue = string | number | boolean | null | undefined | string[] | number[];
/** The plain secret-carrying names, refused by the compiler (FORBIDDEN_KEY below drops every spelling). */
type RefusedName = 'code' | 'key' | 'token' | 'secret' | 'password' | 'authorization' | 'apikey' | 'signature' | 'cookie' | 'body' | 'payload';
export type LogFields = Record<string, LogValue> & { [K in RefusedName]?: never };

export type Logger = {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
};

/**
 * Key names that are never logged, whatever the value, in any spelling (`accessToken`, `refresh_token`,
 * `codeVerifier`, `webhookKey`, `authCode`). Names such as `keyId`, `errorCode` or `statusCode` stay.
 */
const FORBIDDEN_KEY =
  /token|secret|password|authorization|api_?key|verifier|credential|(^|auth|grant)[-_]?code$|keys?$|signature|cookie|body|payload/i;

export function createLogger(base: LogFields = {}, write: (line: string) => void = (l) => console.log(l)): Logger {
  const emit = (level: string, event: string, fields: LogFields = {}) => {
    const entry: Record<string, unknown> = { level, event, time: new Date().toISOString() };
    for (const [k, v] of Object.entries({ ...base, ...fields })) {
      if (v === undefined || FORBIDDEN_KEY.test(k)) continue;
      entry[k] = v;
    }
    write(JSON.stringify(entry));
  };
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
    child: (fields) => createLogger({ ...base, ...fields }, write),
  };
}

/** The name and message of an error for a log line: never its stack, cause chain or attached data. */
export function describeError(err: unknown): LogFields {
  if (err instanceof Error) return { errorName: err.name, errorMessage: err.message.slice(0, 300) };
  return { errorName: typeof err };
}
