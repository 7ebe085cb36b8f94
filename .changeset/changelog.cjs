// Changelog lines that link each change to its commit. @changesets/changelog-github does this through
// GitHub's API (a token and network at `changeset version`); a commit link needs only the repository name.
"use strict";

/** `[abc1234](https://github.com/owner/repo/commit/<sha>)`, or nothing without a commit. */
function commitLink(commit, options) {
  if (!commit) return "";
  if (!options || !options.repo) throw new Error('changelog.cjs needs { "repo": "owner/name" } in .changeset/config.json');
  return `[${commit.slice(0, 7)}](https://github.com/${options.repo}/commit/${commit})`;
}

async function getReleaseLine(changeset, _type, options) {
  const [first, ...rest] = changeset.summary.split("\n").map((line) => line.trimEnd());
  const link = commitLink(changeset.commit, options);
  let line = `- ${link ? `${link}: ` : ""}${first}`;
  if (rest.length > 0) line += `\n${rest.map((l) => `  ${l}`).join("\n")}`;
  return line;
}

async function getDependencyReleaseLine(changesets, dependenciesUpdated, options) {
  if (dependenciesUpdated.length === 0) return "";
  const links = changesets.map((c) => commitLink(c.commit, options)).filter(Boolean);
  return [
    `- Updated dependencies${links.length ? ` ${links.join(", ")}` : ""}`,
    ...dependenciesUpdated.map((d) => `  - ${d.name}@${d.newVersion}`),
  ].join("\n");
}

module.exports = { default: { getReleaseLine, getDependencyReleaseLine } };
