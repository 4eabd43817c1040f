"""Reading evidence YAML files into validated records, collecting every error.

File shape (one publication per file)::

    study_id: Cao2024
    citation: {doi: 10.3389/fimmu.2024.1356132, pmcid: PMC10948436, first_author: Cao W, year: 2024}
    records:
      - id: cao2024.any-imd
        kind: epi_association
        read_from: https://pmc.ncbi.nlm.nih.gov/articles/PMC10948436
        verification: primary
        ...

Each record inherits the file's ``study_id`` and ``citation`` unless it sets its own.
:func:`read_evidence` never raises on bad input: it returns the records it could build and one
:class:`~alsatlas.errors.EvidenceError` per problem (YAML syntax errors with their line, schema
errors with record id and field, then the cross-field rules of :mod:`alsatlas.evidence.rules`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from alsatlas.errors import EvidenceError
from alsatlas.evidence.rules import Located, check_records
from alsatlas.evidence.schema import Citation, Record

_RECORD_ADAPTER: TypeAdapter[Record] = TypeAdapter(Record)
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """LibYAML's safe loader where PyYAML was built with it, refusing duplicate mapping keys
    (YAML 1.2 requires unique keys; PyYAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _UniqueKeyLoader.construct_mapping
)
_YAML_LOADER: type[yaml.SafeLoader] = _UniqueKeyLoader
_SUFFIXES = (".yaml", ".yml")


def shipped_evidence_dir() -> Path:
    """Folder of the evidence files shipped inside the package."""
    return Path(str(resources.files("alsatlas") / "data" / "evidence"))


def evidence_files(path: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files under ``path`` (or ``path`` itself), sorted.

    Raises
    ------
    EvidenceError
        When ``path`` does not exist or is neither a file nor a folder (a device, a pipe).
    """
    files, problems = scan_evidence(path)
    if problems and not files and problems[0].file == str(path):
        raise problems[0]
    return files


def scan_evidence(path: Path) -> tuple[list[Path], list[EvidenceError]]:
    """The evidence files under ``path`` and what could not be read on the way: folders that
    cannot be listed and links to nothing are errors, never silently skipped."""
    if path.is_file():
        return [path], []
    if not path.exists():
        return [], [EvidenceError("no such file or folder", file=str(path))]
    if not path.is_dir():
        return [], [
            EvidenceError("not a file or folder (a device, pipe or socket)", file=str(path))
        ]
    problems: list[EvidenceError] = []
    files: list[Path] = []

    def unreadable(exc: OSError) -> None:
        problems.append(
            EvidenceError(f"cannot list the folder: {exc.strerror or exc}", file=exc.filename)
        )

    for folder, dirs, names in os.walk(path, onerror=unreadable):
        dirs.sort()
        for name in names:
            candidate = Path(folder) / name
            if candidate.suffix not in _SUFFIXES:
                continue
            if candidate.is_symlink() and not candidate.exists():
                problems.append(EvidenceError("a link to nothing", file=str(candidate)))
            elif candidate.is_file():
                files.append(candidate)
            else:
                problems.append(EvidenceError("not a regular file", file=str(candidate)))
    return sorted(files), problems


@dataclass(frozen=True, slots=True)
class ReadResult:
    """Outcome of reading files: records (with their file) and every error found."""

    located: tuple[Located, ...]
    errors: tuple[EvidenceError, ...]
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """``True`` when no error was found."""
        return not self.errors


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root)) if root.is_dir() else str(path)
    except ValueError:
        return str(path)


def _yaml_error(file: str, exc: yaml.YAMLError) -> EvidenceError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is not None:
        return EvidenceError(
            f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {problem}",
            file=file,
        )
    return EvidenceError(f"YAML syntax error: {problem}", file=file)


def _loc_to_field(loc: Sequence[int | str], kind: object) -> str:
    parts = list(loc)
    if parts and parts[0] == kind:
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "record"


def _record_errors(
    file: str, rid: str, kind: object, exc: ValidationError
) -> Iterator[EvidenceError]:
    for err in exc.errors(include_url=False):
        field = _loc_to_field(err["loc"], kind)
        msg = str(err["msg"])
        if err["type"] == "union_tag_invalid":
            msg = f"unknown kind {kind!r}; expected one of {err['ctx']['expected_tags']}"
            field = "kind"
        elif err["type"] == "union_tag_not_found":
            field = "kind"
            msg = "missing 'kind'"
        yield EvidenceError(msg, file=file, row=rid, field=field)


def parse_document(file: str, doc: object) -> tuple[list[Located], list[EvidenceError]]:
    """Validate one parsed YAML document (the file-level mapping) into records."""
    if not isinstance(doc, Mapping):
        kind = "empty" if doc is None else type(doc).__name__
        return [], [EvidenceError(f"expected a mapping with 'records', got {kind}", file=file)]
    errors: list[EvidenceError] = []
    unknown = sorted(str(k) for k in doc if k not in ("study_id", "citation", "records"))
    for key in unknown:
        errors.append(EvidenceError("unknown top-level key", file=file, field=key))
    study_id = doc.get("study_id")
    if not isinstance(study_id, str) or not study_id.strip():
        errors.append(EvidenceError("needs a non-empty string", file=file, field="study_id"))
        study_id = None
    citation_raw = doc.get("citation")
    citation: dict[str, Any] | None = None
    try:
        citation = Citation.model_validate(citation_raw).model_dump()
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            sub = _loc_to_field(err["loc"], None)
            field = "citation" if sub == "record" else f"citation.{sub}"
            errors.append(EvidenceError(str(err["msg"]), file=file, field=field))
    raw_records = doc.get("records")
    if not isinstance(raw_records, list) or not raw_records:
        errors.append(
            EvidenceError("needs a non-empty list of records", file=file, field="records")
        )
        return [], errors
    located: list[Located] = []
    for index, raw in enumerate(raw_records):
        rid = f"#{index + 1}"
        if not isinstance(raw, Mapping):
            errors.append(EvidenceError("a record must be a mapping", file=file, row=rid))
            continue
        raw_id = raw.get("id")
        if isinstance(raw_id, str) and raw_id.strip():
            rid = raw_id.strip()
        data = dict(raw)
        if "citation" not in data and citation is not None:
            data["citation"] = citation
        if "study_id" not in data and study_id is not None:
            data["study_id"] = study_id
        try:
            record = _RECORD_ADAPTER.validate_python(data)
        except ValidationError as exc:
            errors.extend(_record_errors(file, rid, raw.get("kind"), exc))
            continue
        except (RecursionError, TypeError, ValueError) as exc:
            errors.append(EvidenceError(f"unreadable record: {exc}", file=file, row=rid))
            continue
        located.append((file, record))
    return located, errors


def read_file(path: Path, display: str | None = None) -> tuple[list[Located], list[EvidenceError]]:
    """Read and validate one YAML file (schema only; cross-record rules are separate)."""
    file = display or str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [EvidenceError(f"not UTF-8 text (byte {exc.start})", file=file)]
    except OSError as exc:
        return [], [EvidenceError(f"cannot read: {exc.strerror or exc}", file=file)]
    try:
        doc = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        return [], [_yaml_error(file, exc)]
    except (RecursionError, ValueError, TypeError) as exc:
        return [], [EvidenceError(f"unreadable YAML: {exc}", file=file)]
    try:
        return parse_document(file, doc)
    except RecursionError:
        return [], [EvidenceError("YAML nests too deeply", file=file)]


def read_evidence(path: Path | None = None) -> ReadResult:
    """Read every evidence file under ``path`` (default: the shipped data); collect all errors.

    Never raises on bad content: syntax errors, schema errors and rule violations all come
    back in :attr:`ReadResult.errors`, in file order.
    """
    root = shipped_evidence_dir() if path is None else Path(path)
    files, problems = scan_evidence(root)
    if not files and problems:
        return ReadResult((), tuple(problems), ())
    located: list[Located] = []
    errors: list[EvidenceError] = list(problems)
    names: list[str] = []
    for file in files:
        name = _display(file, root)
        names.append(name)
        recs, errs = read_file(file, name)
        located.extend(recs)
        errors.extend(errs)
    if not files:
        errors.append(EvidenceError("no evidence files (*.yaml) found", file=str(root)))
    errors.extend(check_records(located))
    return ReadResult(tuple(located), tuple(errors), tuple(names))


__all__ = [
    "ReadResult",
    "evidence_files",
    "parse_document",
    "read_evidence",
    "read_file",
    "scan_evidence",
    "shipped_evidence_dir",
]
