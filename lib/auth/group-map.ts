// The form OIDC_ROLE_MAP and OIDC_TEAM_MAP share: "group=value;group=value". Pairs are
// separated by ";" (or a new line) so group names may contain commas and "=" (LDAP DNs);
// the last "=" splits group from value. Pure, like the maps built on it.

export type GroupMapPair = { pair: string; group: string; value: string };

/** The map's pairs, trimmed; `group` is empty when nothing stands before the last "=". */
export function groupMapPairs(text: string): GroupMapPair[] {
  return text
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.lastIndexOf('=');
      return { pair, group: at > 0 ? pair.slice(0, at).trim() : '', value: pair.slice(at + 1).trim() };
    });
}
