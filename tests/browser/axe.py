"""axe-core's WCAG 2.1 A and AA rules on the page in the browser, one way for every browser test."""

from importlib import resources

AXE_SOURCE = (resources.files("axe_playwright_python") / "axe.min.js").read_text()

# Only what the tests read comes back: the serious violations (their first three elements) and how
# many rules passed. Sending axe's whole result (every node of every passing rule, with its HTML)
# to Python, and collecting it in the page, took half of each check's time.
SERIOUS = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    resultTypes: ['violations'],
  });
  return {
    passes: result.passes.length,
    serious: result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => [
        violation.id, violation.impact, violation.nodes.slice(0, 3).map((node) => node.target),
      ]),
  };
}"""


def axe_serious(page):
    """[(rule, impact, [element, …]), …] of the serious and critical violations on the page."""
    # Evaluated, not added as a <script>: the page's Content-Security-Policy, which refuses inline
    # scripts, does not apply to what the test runs, so the check works where the policy holds.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(SERIOUS)
    assert result["passes"], "axe ran its rules"
    return [tuple(violation) for violation in result["serious"]]
