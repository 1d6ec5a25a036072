"The README's Python examples run as written (users copy them first)."
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"

def python_blocks(text:str)->list:
    "The fenced ```python blocks of a markdown text."
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)

def test_readme_has_examples():
    assert len(python_blocks(README.read_text())) >= 2

def test_readme_examples_run():
    for i, block in enumerate(python_blocks(README.read_text())):
        exec(compile(block, f"README.md python block {i}", "exec"), {})

def test_readme_module_table_is_generated_and_current():
    "The module table between the generated markers is what `reuse-edge readme` writes now."
    from reuse_edge.cli import main
    assert main(["readme", "--check"]) == 0, "README.md is stale: run `reuse-edge readme` and commit"

def test_readme_full_run_summary_is_the_reports_counts():
    "The summary of the last full run shows the claims per kind and status as `count_claims` prints them (generated)."
    from reuse_edge.book import CLAIM_STATUSES
    from reuse_edge.core import CLAIM_KINDS
    text = README.read_text()
    section = text[text.index("<!-- begin generated: full-run -->"):text.index("<!-- end generated: full-run -->")]
    assert "\n| kind |" in section, "the full-run section has no table of kinds against statuses: run `reuse-edge readme`"
    table = section[section.index("\n| kind |") + 1:].split("\n\n")[0].splitlines()
    rows = {l.split("|")[1].strip(): [c.strip() for c in l.split("|")[2:-1]] for l in table if not l.startswith("|---")}
    assert rows.get("kind") == [*CLAIM_STATUSES, "total"], "the full-run section has no table of kinds against statuses: run `reuse-edge readme`"
    assert list(rows)[1:] == [*CLAIM_KINDS, "total"]
    num = lambda c: int(c) if c else 0
    assert all(sum(map(num, r[:-1])) == num(r[-1]) for r in rows.values() if r is not rows["kind"]), "row totals do not add up"
    assert [sum(num(rows[k][i]) for k in CLAIM_KINDS) for i in range(len(CLAIM_STATUSES) + 1)] == list(map(num, rows["total"]))
    assert "reproductions (" in section and "consistency check" in section  # the report's summary sentence
