"""alsatlas.report: the evidence report, one self-contained HTML file plus its data.

``alsatlas report --out DIR`` writes ``DIR/report.html`` (inline CSS and SVG, no scripts, loads
nothing from the network), ``DIR/tables/<name>.json|.tsv`` for every table it shows, and
``DIR/answers.json`` (every answer as :func:`alsatlas.synthesis.answer_all` returned it).

Modules, in the order data flows through them:

=========================== ==================================================================
``sources``                 shipped inputs: evidence base, answers, synthesis rules text
``answer_tables``           the tables, read field by field from the synthesis result objects
``tables`` / ``exports``    the table model, cell formatting and links; JSON and TSV writers
``plots`` / ``inline_svg``  forest and MR figures as inline, accessible SVG
``readability``             Flesch-Kincaid grade of the plain-language section
``patient_organisations``   organisations listed for patients and families
``context``                 the view model the template renders
``render``                  jinja2 (autoescaped) rendering with the inlined stylesheet
``build``                   the pipeline: view, HTML, exports
=========================== ==================================================================

The report formats; it never pools, grades or decides: those are the synthesis layer's.
"""

from alsatlas.report.build import ReportFiles, ReportInputs, build_report
from alsatlas.report.sources import shipped_inputs

__all__ = ["ReportFiles", "ReportInputs", "build_report", "shipped_inputs"]
