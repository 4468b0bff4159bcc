/**
 * SPDX ids of common OSI-approved open-source licences. Only these make a tool's pricing "Open
 * source": a source-available licence (BSL, SSPL, Elastic, Commons Clause) or a model licence
 * with use restrictions (Llama, OpenRAIL) is not open source, however it is marketed.
 */
export const OPEN_SOURCE_LICENCES: readonly string[] = [
  "0BSD",
  "AFL-3.0",
  "AGPL-3.0",
  "AGPL-3.0-only",
  "AGPL-3.0-or-later",
  "Apache-2.0",
  "Artistic-2.0",
  "BSD-2-Clause",
  "BSD-3-Clause",
  "BSL-1.0",
  "CDDL-1.0",
  "EPL-1.0",
  "EPL-2.0",
  "EUPL-1.2",
  "GPL-2.0",
  "GPL-2.0-only",
  "GPL-2.0-or-later",
  "GPL-3.0",
  "GPL-3.0-only",
  "GPL-3.0-or-later",
  "ISC",
  "LGPL-2.1",
  "LGPL-2.1-only",
  "LGPL-2.1-or-later",
  "LGPL-3.0",
  "LGPL-3.0-only",
  "LGPL-3.0-or-later",
  "MIT",
  "MIT-0",
  "MPL-2.0",
  "MS-PL",
  "OSL-3.0",
  "PostgreSQL",
  "Python-2.0",
  "UPL-1.0",
  "Unlicense",
  "Zlib",
];

const KNOWN = new Set(OPEN_SOURCE_LICENCES.map((id) => id.toLowerCase()));

/**
 * Whether an SPDX id, or an SPDX expression of them (`MIT OR Apache-2.0`), is open source: every
 * licence the expression names must be on the list (a `WITH` exception does not count against it).
 * Matching ignores case, since registries spell ids loosely ("apache-2.0" on the Hub).
 */
export function isOpenSourceLicence(id: string): boolean {
  const withoutExceptions = id.replace(/\bWITH\s+[\w.+-]+/gi, " ");
  const ids = withoutExceptions
    .replace(/[()]/g, " ")
    .split(/\s+/)
    .filter((part) => part !== "" && !/^(OR|AND)$/i.test(part));
  return ids.length > 0 && ids.every((part) => KNOWN.has(part.replace(/\+$/, "").toLowerCase()));
}
