"""The presentation layer shared by every face (the HTML report, the web explorer, the CLI).

It turns synthesis answers and evidence records into view models (:mod:`.views`), tables
(:mod:`.tables`, :mod:`.answer_tables`), figures as inline SVG (:mod:`.figures`,
:mod:`.inline_svg`), plain-language checks (:mod:`.readability`), verdict colours
(:mod:`.palette`) and templating filters (:mod:`.templating`). The faces format and serve
these; neither face imports the other.
"""
