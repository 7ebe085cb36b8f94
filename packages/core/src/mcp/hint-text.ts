/**
 * A server's command line or URL as a hint shows it: people paste hints into issues and CI keeps them in
 * logs, while config values expanded from `${VAR}` often hold credentials (`postgresql://app:pw@db/prod`,
 * `--api-key sk-...`, `?token=...`). Values that name themselves secret are shown as `***`; the rest stays,
 * so the hint still says which command or address to check.
 */
const SECRET_NAME = /pass|secret|token|key|auth|credential|signature|cookie|session/i;
const MASK = "***";

/** `command args...`, each argument masked where it holds a secret. */
export function commandLineForHint(command: string, args: readonly string[]): string {
  const shown = args.map((arg, i) => {
    const assignment = /^(-{0,2}[\w.-]+)=/.exec(arg);
    if (assignment && SECRET_NAME.test(assignment[1]!)) return `${assignment[1]}=${MASK}`;
    const previous = args[i - 1];
    if (previous !== undefined && /^--?[\w-]+$/.test(previous) && SECRET_NAME.test(previous)) return MASK;
    return urlForHint(arg);
  });
  return [command, ...shown].join(" ");
}

/** A URL with its password and secret-named query values masked; any other text as it is. */
export function urlForHint(text: string): string {
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  let masked = false;
  if (url.password) {
    url.password = MASK;
    masked = true;
  }
  for (const name of [...url.searchParams.keys()])
    if (SECRET_NAME.test(name)) {
      url.searchParams.set(name, MASK);
      masked = true;
    }
  // Unchanged text stays as written (URL would normalize it: a trailing slash, lower-cased host).
  return masked ? url.href : text;
}
