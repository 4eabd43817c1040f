"""One module per line of evidence, each answering the questions of its ``Question.kind``.

=====================  ==========================================================
kind                   module / function
=====================  ==========================================================
epidemiology           :func:`.epidemiology.epidemiology_answer`
mr_autoimmune          :func:`.mendelian.mr_autoimmune_answer`
mr_immune_traits       :func:`.mendelian.mr_immune_traits_answer`
shared_genetics        :func:`.genetics.shared_genetics_answer`
neuroinflammation      :func:`.markers.neuroinflammation_answer`
biomarkers             :func:`.markers.biomarker_answer`
therapy                :func:`.therapy.therapy_answer`
immune_involvement     :func:`.involvement.involvement_answer`
classification         :func:`.classification.classification_answer`
=====================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from alsatlas.evidence import EvidenceBase
from alsatlas.synthesis.answer import Answer, Question
from alsatlas.synthesis.lines.classification import classification_answer
from alsatlas.synthesis.lines.epidemiology import epidemiology_answer
from alsatlas.synthesis.lines.genetics import shared_genetics_answer
from alsatlas.synthesis.lines.involvement import involvement_answer
from alsatlas.synthesis.lines.markers import biomarker_answer, neuroinflammation_answer
from alsatlas.synthesis.lines.mendelian import mr_autoimmune_answer, mr_immune_traits_answer
from alsatlas.synthesis.lines.therapy import therapy_answer

Answerer = Callable[[Question, EvidenceBase], Answer]

ANSWERERS: Mapping[str, Answerer] = {
    "epidemiology": epidemiology_answer,
    "mr_autoimmune": mr_autoimmune_answer,
    "mr_immune_traits": mr_immune_traits_answer,
    "shared_genetics": shared_genetics_answer,
    "neuroinflammation": neuroinflammation_answer,
    "biomarkers": biomarker_answer,
    "therapy": therapy_answer,
    "immune_involvement": involvement_answer,
    "classification": classification_answer,
}
"""The answering function of each question kind."""

__all__ = ["ANSWERERS", "Answerer"]
