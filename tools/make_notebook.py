#!/usr/bin/python3
"""Writes a notebook from a compact cell list, with the project's Deno kernelspec metadata.

Usage: make_notebook.py SPEC.json OUT.ipynb, where SPEC.json is [["md"|"code", "source"], ...].
Notebooks are also edited directly (in Jupyter); this tool only makes new ones consistent.
"""
import json
import sys

import nbformat


def build(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "deno", "display_name": "Deno (hubwatch)", "language": "typescript"},
        "language_info": {
            "name": "typescript",
            "file_extension": ".ts",
            "mimetype": "text/x.typescript",
            "codemirror_mode": "typescript",
            "pygments_lexer": "typescript",
            "nbconvert_exporter": "script",
        },
    }
    for index, (kind, source) in enumerate(cells):
        cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        cell["id"] = f"cell-{index:02d}"
        nb.cells.append(cell)
    return nb


if __name__ == "__main__":
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    nbformat.write(build(spec), sys.argv[2])
