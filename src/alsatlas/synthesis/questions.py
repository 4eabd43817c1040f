"""The catalogue of canonical questions alsatlas answers.

Each :class:`~alsatlas.synthesis.answer.Question` names the claim its verdict grades and the
evidence that answers it: disease vocabulary terms for the epidemiological and Mendelian
randomization lines (each term pooled on its own, never across terms), drug terms for therapy
questions. The order of :data:`QUESTIONS` is the order of the report.
"""

from __future__ import annotations

from alsatlas.errors import AlsatlasInputError
from alsatlas.synthesis.answer import Question


def _disease_question(qid: str, name: str, plain_name: str, terms: tuple[str, ...]) -> Question:
    return Question(
        id=qid,
        title=f"Prior {name} and ALS risk",
        plain=f"Do people with {plain_name} have a different risk of getting ALS?",
        category="epidemiology",
        claim=f"People with {plain_name} have a higher risk of ALS.",
        claim_direction="increased",
        terms=terms,
    )


QUESTIONS: tuple[Question, ...] = (
    Question(
        id="als_autoimmune",
        title="Is ALS an autoimmune disease?",
        plain="Is ALS an autoimmune disease, where the immune system attacks the body?",
        category="classification",
        claim="ALS is an autoimmune disease.",
    ),
    Question(
        id="immune_involvement",
        title="Is the immune system involved in ALS?",
        plain="Does the immune system take part in ALS, even if it is not the cause?",
        category="classification",
        claim="Immune and inflammatory changes are part of ALS.",
    ),
    _disease_question(
        "any_autoimmune_als_risk",
        "autoimmune or immune-mediated disease (any)",
        "any autoimmune disease",
        ("any_immune_mediated",),
    ),
    _disease_question(
        "ra_als_risk", "rheumatoid arthritis", "rheumatoid arthritis", ("rheumatoid_arthritis",)
    ),
    _disease_question("sle_als_risk", "systemic lupus erythematosus", "lupus (SLE)", ("sle",)),
    _disease_question("psoriasis_als_risk", "psoriasis", "psoriasis", ("psoriasis",)),
    _disease_question(
        "ms_als_risk", "multiple sclerosis", "multiple sclerosis", ("multiple_sclerosis",)
    ),
    _disease_question(
        "mg_als_risk", "myasthenia gravis", "myasthenia gravis", ("myasthenia_gravis",)
    ),
    _disease_question("celiac_als_risk", "celiac disease", "celiac disease", ("celiac_disease",)),
    _disease_question("t1d_als_risk", "type 1 diabetes", "type 1 diabetes", ("type1_diabetes",)),
    _disease_question(
        "ibd_als_risk",
        "inflammatory bowel disease (ulcerative colitis, Crohn's disease)",
        "inflammatory bowel disease (ulcerative colitis or Crohn's disease)",
        ("ibd", "ulcerative_colitis", "crohn_disease"),
    ),
    _disease_question("sjogren_als_risk", "Sjögren syndrome", "Sjögren syndrome", ("sjogren",)),
    _disease_question("asthma_als_risk", "asthma", "asthma", ("asthma",)),
    _disease_question(
        "thyroid_als_risk",
        "thyroid disease",
        "thyroid disease",
        (
            "thyroid_any",
            "hypothyroidism",
            "hashimoto_thyroiditis",
            "hyperthyroidism",
            "graves_disease",
        ),
    ),
    _disease_question(
        "polymyositis_als_risk",
        "polymyositis / inflammatory myopathy",
        "polymyositis (muscle inflammation)",
        ("inflammatory_myopathy",),
    ),
    Question(
        id="autoimmune_causal_mr",
        title="Is the link causal? Mendelian randomization of autoimmune liability on ALS",
        plain="Does having an autoimmune disease cause ALS, or do they only appear together?",
        category="causal",
        claim="Genetic liability to autoimmune disease causes a higher risk of ALS.",
    ),
    Question(
        id="immune_traits_mr",
        title="Mendelian randomization of immune cells and inflammatory proteins on ALS",
        plain="Do inherited differences in immune cells or inflammation proteins change ALS risk?",
        category="causal",
        claim="Genetically predicted immune cell counts or inflammatory proteins change ALS risk.",
    ),
    Question(
        id="shared_genetics",
        title="Do ALS and immune diseases share genes or heritability?",
        plain="Do ALS and immune diseases share some of the same genes?",
        category="shared genetics",
        claim="ALS and immune-mediated diseases share genetic risk (loci or heritability).",
    ),
    Question(
        id="neuroinflammation_progression",
        title="Does neuroinflammation / microglial activation drive progression?",
        plain="Does inflammation in the brain and spinal cord make ALS get worse faster?",
        category="neuroinflammation",
        claim="Neuroinflammation and microglial activation drive ALS progression.",
    ),
    Question(
        id="immune_therapies",
        title="Have immune-targeting therapies worked in ALS?",
        plain="Have drugs that act on the immune system slowed ALS?",
        category="therapy",
        claim="Immune-targeting therapies slow ALS or prolong survival.",
        claim_direction="decreased",
    ),
    Question(
        id="ibudilast",
        title="Ibudilast (MN-166) in ALS",
        plain="Does ibudilast (MN-166) slow ALS?",
        category="therapy",
        claim="Ibudilast (MN-166) slows ALS.",
        claim_direction="decreased",
        drugs=("ibudilast",),
    ),
    Question(
        id="immune_biomarkers",
        title="Do immune biomarkers predict ALS onset, progression or survival?",
        plain="Can immune blood or spinal fluid tests tell who gets ALS or how fast it moves?",
        category="biomarkers",
        claim="Immune biomarkers predict ALS onset, progression or survival.",
    ),
)
"""Every question, in report order."""


def question(question_id: str) -> Question:
    """The catalogue entry ``question_id``.

    Raises
    ------
    AlsatlasInputError
        When no question has that id (the message lists the known ids).
    """
    for q in QUESTIONS:
        if q.id == question_id:
            return q
    known = ", ".join(q.id for q in QUESTIONS)
    raise AlsatlasInputError(f"unknown question {question_id!r}; known: {known}", field="question")


__all__ = ["QUESTIONS", "question"]
