import { describe, expect, test } from "vitest";
import { isOpenSourceLicence } from "../../src/sources/open-source-licences.js";

describe("isOpenSourceLicence", () => {
  test.each([
    ["MIT", true],
    ["apache-2.0", true],
    ["GPL-3.0-or-later", true],
    ["MIT OR Apache-2.0", true],
    ["(MIT AND BSD-3-Clause)", true],
    ["GPL-2.0-only WITH Classpath-exception-2.0", true],
    ["MIT OR BUSL-1.1", false],
    ["BUSL-1.1", false],
    ["SSPL-1.0", false],
    ["Elastic-2.0", false],
    ["llama3.1", false],
    ["openrail", false],
    ["UNLICENSED", false],
    ["NOASSERTION", false],
    ["", false],
  ])("%s → %s", (id, expected) => {
    expect(isOpenSourceLicence(id)).toBe(expected);
  });
});
