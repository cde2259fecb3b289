/** The `# check=` parser directive (Dockerfile build checks). */

/**
 * Whether a `# check=` directive's value turns build-check warnings into errors
 * (`skip=JSONArgsRecommended;error=true`): its `error` key, read as Go's ParseBool does.
 */
export function failsOnCheckWarnings(value: string): boolean {
  return value.split(';').some((part) => {
    const eq = part.indexOf('=');
    return eq > 0 && part.slice(0, eq).trim() === 'error' && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(part.slice(eq + 1).trim());
  });
}
