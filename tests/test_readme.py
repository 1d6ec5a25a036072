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
