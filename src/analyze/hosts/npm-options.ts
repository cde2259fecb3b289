/**
 * How npm reads its command line (its option parser, nopt, with npm's settings and their
 * types): a word starting with `-` anywhere before `--` is npm's own option, and so is the next
 * word where that option takes a value (`--loglevel silly`, `-w web`, `--prefix dir`); a
 * boolean option takes a following `true` or `false` (`--if-present false`); a long option may
 * be written as a unique prefix of its name (`--logl silly`). Every other word is positional:
 * npm's command, then the script's name, then the words it hands the script, with everything
 * after `--`.
 */

/** npm's settings that take a value (their type is not Boolean alone), as npm 11 defines them. */
const VALUED: ReadonlySet<string> = new Set([
  '_auth', 'access', 'allow-directory', 'allow-file', 'allow-git', 'allow-remote', 'allow-scripts', 'also', 'audit-level', 'auth-type', 'before', 'ca', 'cache', 'cache-max', 'cache-min',
  'cafile', 'call', 'cert', 'cidr', 'cpu', 'depth', 'diff', 'diff-dst-prefix', 'diff-src-prefix', 'diff-unified', 'editor', 'expect-result-count', 'expires', 'fetch-retries',
  'fetch-retry-factor', 'fetch-retry-maxtimeout', 'fetch-retry-mintimeout', 'fetch-timeout', 'git', 'globalconfig', 'heading', 'https-proxy', 'include', 'init-author-email',
  'init-author-name', 'init-author-url', 'init-license', 'init-module', 'init-type', 'init-version', 'init.author.email', 'init.author.name', 'init.author.url', 'init.license',
  'init.module', 'init.version', 'install-strategy', 'key', 'libc', 'local-address', 'location', 'lockfile-version', 'loglevel', 'logs-dir', 'logs-max', 'name', 'maxsockets', 'message',
  'min-release-age', 'min-release-age-exclude', 'node-gyp', 'node-options', 'noproxy', 'omit', 'only', 'orgs', 'os', 'otp', 'package', 'pack-destination', 'packages', 'prefix', 'preid',
  'provenance-file', 'proxy', 'registry', 'replace-registry-host', 'save-prefix', 'sbom-format', 'sbom-type', 'scope', 'scopes', 'packages-and-scopes-permission', 'orgs-permission',
  'password', 'token-description', 'script-shell', 'searchexclude', 'searchlimit', 'searchopts', 'searchstaleness', 'shell', 'tag', 'tag-version-prefix', 'umask', 'user-agent',
  'userconfig', 'viewer', 'which', 'workspace',
]);

/** Settings that are Boolean or one of some values: the next word is theirs only when it is one of those (any word not starting with `-` for `browser`). */
const MIXED: Readonly<Record<string, readonly string[] | 'word'>> = {
  browser: 'word', color: ['always'], 'expect-results': ['null'], optional: ['null'], production: ['null'], workspaces: ['null'], yes: ['null'],
};

/** npm's Boolean settings, for reading a prefix of a name (`--if-pres`). */
const BOOLEAN: ReadonlySet<string> = new Set([
  'all', 'allow-same-version', 'audit', 'bin-links', 'bypass-2fa', 'commit-hooks', 'dangerously-allow-all-scripts', 'description', 'dev', 'diff-ignore-all-space', 'diff-name-only',
  'diff-no-prefix', 'diff-text', 'dry-run', 'engine-strict', 'force', 'foreground-scripts', 'format-package-lock', 'fund', 'git-tag-version', 'global', 'global-style', 'if-present',
  'ignore-scripts', 'include-staged', 'include-workspace-root', 'include-attestations', 'init-private', 'install-links', 'json', 'legacy-bundling', 'legacy-peer-deps', 'link', 'long',
  'offline', 'omit-lockfile-registry-resolved', 'package-lock', 'package-lock-only', 'parseable', 'allow-scripts-pending', 'allow-scripts-pin', 'prefer-dedupe', 'prefer-offline',
  'prefer-online', 'progress', 'provenance', 'read-only', 'rebuild-bundle', 'save', 'save-bundle', 'save-dev', 'save-exact', 'save-optional', 'save-peer', 'save-prod', 'packages-all',
  'shrinkwrap', 'sign-git-commit', 'sign-git-tag', 'strict-peer-deps', 'strict-allow-scripts', 'strict-ssl', 'timing', 'unicode', 'update-notifier', 'usage', 'version', 'versions',
  'workspaces-update',
]);

/** npm's short forms: the words each stands for. */
const SHORTHANDS: Readonly<Record<string, readonly string[]>> = {
  'enjoy-by': ['--before'], d: ['--loglevel', 'info'], dd: ['--loglevel', 'verbose'], ddd: ['--loglevel', 'silly'], quiet: ['--loglevel', 'warn'], q: ['--loglevel', 'warn'],
  s: ['--loglevel', 'silent'], silent: ['--loglevel', 'silent'], verbose: ['--loglevel', 'verbose'], desc: ['--description'], help: ['--usage'], local: ['--no-global'], n: ['--no-yes'],
  no: ['--no-yes'], porcelain: ['--parseable'], readonly: ['--read-only'], reg: ['--registry'], iwr: ['--include-workspace-root'], ws: ['--workspaces'], a: ['--all'], c: ['--call'],
  f: ['--force'], g: ['--global'], L: ['--location'], l: ['--long'], m: ['--message'], p: ['--parseable'], C: ['--prefix'], S: ['--save'], B: ['--save-bundle'], D: ['--save-dev'],
  E: ['--save-exact'], O: ['--save-optional'], P: ['--save-prod'], '?': ['--usage'], H: ['--usage'], h: ['--usage'], v: ['--version'], w: ['--workspace'], y: ['--yes'],
};

const KNOWN = [...VALUED, ...Object.keys(MIXED), ...BOOLEAN];

export interface NpmLine {
  /** The positional words in order (npm's command, the script's name, the words for it); null: only known at run time. */
  positional: (string | null)[];
  /** npm's own settings the line gives, by name (`loglevel`, `if-present`, `ignore-scripts`…). */
  settings: string[];
  /** A word whose reading depends on what the tool cannot tell (a word only known at run time after an option, a prefix of several names one of which takes a value): the positions after it are not known. */
  unclear: boolean;
}

/** A long option's setting: its name, a unique prefix of one, or (a prefix of several, one taking a value) null. */
function settingOf(name: string): string | null {
  const bare = name.startsWith('no-') && !KNOWN.includes(name) ? name.slice(3) : name;
  if (KNOWN.includes(bare)) return bare;
  const by = KNOWN.filter((k) => k.startsWith(bare));
  if (by.length === 1) return by[0]!;
  // (several: npm takes none of them, and reads the word as a Boolean setting of its own; a value-taking one among them is not risked)
  return by.some((k) => VALUED.has(k) || k in MIXED) ? null : bare;
}

/** The long options a word stands for (`-s` is `--loglevel silent`, `-sq` two short forms, `-loglevel` `--loglevel`). */
function expanded(word: string): string[] {
  const body = word.replace(/^-+/, '');
  const eq = body.indexOf('=');
  const key = eq < 0 ? body : body.slice(0, eq);
  // (`--silent` too: a short form written long, where it names no setting)
  const short = KNOWN.includes(key) ? undefined : SHORTHANDS[key];
  if (short) return eq < 0 ? [...short] : [`${short[0]!}=${body.slice(eq + 1)}`];
  if (word.startsWith('--')) return [word];
  if (key.length > 1 && [...key].every((ch) => ch in SHORTHANDS)) return [...key].flatMap((ch) => SHORTHANDS[ch]!);
  return [`--${body}`];
}

/** Reads an npm command line (the words after `npm`). */
export function readNpmLine(words: readonly (string | null)[]): NpmLine {
  const out: NpmLine = { positional: [], settings: [], unclear: false };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === undefined) break;
    if (w === null || !w.startsWith('-') || w === '-') {
      out.positional.push(w);
      continue;
    }
    if (w === '--') {
      out.positional.push(...words.slice(i + 1));
      break;
    }
    const parts = expanded(w);
    // The last option of the word may take the next word; those before it are whole.
    for (const [k, p] of parts.entries()) {
      if (!p.startsWith('--')) continue;
      const eq = p.indexOf('=');
      const name = p.slice(2, eq < 0 ? undefined : eq);
      const setting = settingOf(name);
      if (setting === null) {
        out.unclear = true;
        return out;
      }
      out.settings.push(setting);
      if (eq >= 0 || k + 1 < parts.length) continue;
      const next = words[i + 1];
      if (next === undefined) continue;
      if (next === null) {
        // (its value, or a word for the script: not known)
        if (!(name.startsWith('no-') && name !== setting) && (VALUED.has(setting) || setting in MIXED)) {
          out.unclear = true;
          return out;
        }
        continue;
      }
      // `--no-loglevel`: a setting turned off, Boolean whatever its type
      const negated = name.startsWith('no-') && name !== setting;
      const mixed = negated ? undefined : MIXED[setting];
      if (VALUED.has(setting) && !negated) {
        if (next === '--') continue;
        // (a value starting with `-` is read differently by each of npm's types)
        if (next.startsWith('-')) {
          out.unclear = true;
          return out;
        }
        i++;
      } else if (next === 'true' || next === 'false' || (mixed !== undefined && (mixed === 'word' ? !next.startsWith('-') : mixed.includes(next)))) i++;
    }
  }
  return out;
}
