"""Saving and reading MLP weights: JSON files, the course's Python block, torch checkpoints."""

from __future__ import annotations

import ast
import json
import math
import os
from pathlib import Path

from explorer.core.atomic import write_text
from explorer.core.errors import UserError
from explorer.core.mlp.network import FIELDS, MLPWeights, check_activation
from explorer.core.user_files import regular_file

EXPERIMENT = "mlp"

# A 2-H-1 net with the largest H is a few kB of text; anything near this is
# not a weights file, and reading it whole would only waste memory.
MAX_TEXT_BYTES = 5_000_000


# --- JSON ------------------------------------------------------------------------------------


def weights_to_json(weights: MLPWeights, activation: str | None = None) -> dict:
    """The JSON object for ``weights``: the four course names, plus ``activation`` if given."""
    obj = weights.to_lists()
    if activation is not None:
        obj["activation"] = check_activation(activation)
    return obj


MAX_WEIGHT = 1e300
"""Largest |weight| read from a file: beyond it a number is out of range (a float stops at about 1.8e308)."""


def check_numbers(values: dict, name: str | None = None) -> None:
    """Refuse anything in the four lists that is not a finite, in-range number, naming where it is.

    ``true`` is not 1.0 and a 401-digit integer is not a weight: each gives
    ``"<name>: in_hid_weight[0][1] is out of range"``-style messages (no prefix without ``name``).
    """
    prefix = f"{name}: " if name else ""

    def walk(value, where: str) -> None:
        if isinstance(value, list | tuple):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")
            return
        if isinstance(value, bool):
            raise UserError(f"{prefix}{where} is {str(value).lower()}, not a number")
        if isinstance(value, _HugeInteger):
            raise UserError(f"{prefix}{where} is out of range (a whole number of {value.digits:,} digits)")
        if not isinstance(value, int | float):
            raise UserError(f"{prefix}{where} is not a number ({_shown(value)})")
        if isinstance(value, int):
            if abs(value) > MAX_WEIGHT:
                raise UserError(f"{prefix}{where} is out of range (a whole number of {len(str(abs(value))):,} digits)")
        elif not math.isfinite(value):
            raise UserError(f"{prefix}{where} is not a finite number ({value})")
        elif abs(value) > MAX_WEIGHT:
            raise UserError(f"{prefix}{where} is out of range ({value:g})")

    for field in FIELDS:
        if field in values:
            walk(values[field], field)


def _shown(value) -> str:
    text = json.dumps(value) if isinstance(value, str | dict | type(None)) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


class _HugeInteger:
    """A JSON integer too long to be a weight, kept as its digit count (never converted)."""

    def __init__(self, text: str):
        self.digits = len(text.lstrip("-"))


def _parse_int(text: str) -> int | _HugeInteger:
    # More than 400 digits is far beyond MAX_WEIGHT: no need to convert (Python refuses past 4,300).
    return _HugeInteger(text) if len(text) > 400 else int(text)


def weights_from_json(obj, name: str = "weights") -> tuple[MLPWeights, str | None]:
    """Weights and the optional activation from a parsed JSON object; ``name`` is used in messages."""
    if not isinstance(obj, dict):
        raise UserError(f"{name}: expected a JSON object with {', '.join(FIELDS)}")
    activation = obj.get("activation")
    check_numbers(obj, name)
    try:
        if activation is not None:
            check_activation(activation)
        return MLPWeights.from_lists(obj), activation
    except UserError as exc:
        raise UserError(f"{name}: {exc}") from None


def save_json(weights: MLPWeights, path: str | os.PathLike, activation: str | None = None) -> Path:
    """Write ``weights`` (and the activation, if given) as a JSON file, atomically.

    ``allow_nan=False``: a JSON file never holds NaN (weights are finite by construction).
    """
    text = json.dumps(weights_to_json(weights, activation), indent=2, allow_nan=False)
    return write_text(path, text + "\n")


def save_python_block(weights: MLPWeights, path: str | os.PathLike) -> Path:
    """Write the course's Python block (every value exact) as a ``.py`` file, atomically."""
    return write_text(path, to_python_block(weights) + "\n")


def _read_text(path: Path) -> str:
    """A weights file's text, or a UserError saying why it cannot be read."""
    regular_file(path, "weights file")
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise UserError(f"{path.name}: too large for a weights file ({path.stat().st_size:,} bytes)")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path.name}: cannot be read ({exc})") from None


def load_json(path: str | os.PathLike) -> tuple[MLPWeights, str | None]:
    """Read a JSON weights file; returns the weights and the stored activation (or ``None``)."""
    path = Path(path)
    text = _read_text(path)
    try:
        obj = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path.name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (RecursionError, MemoryError):
        raise UserError(f"{path.name}: not a weights file (nested too deeply to read)") from None
    try:
        return weights_from_json(obj, path.name)
    except (RecursionError, MemoryError):
        raise UserError(f"{path.name}: not a weights file (nested too deeply to read)") from None


# --- the course's Python block --------------------------------------------------------------


def _number_text(value: float, digits: int | None) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value)) if digits is None else f"{value:.{digits}g}"
    return "0" if float(text) == 0 else text


def _list_text(values, digits: int | None) -> str:
    return "[" + ", ".join(_number_text(v, digits) for v in values) + "]"


def to_python_block(weights: MLPWeights, digits: int | None = None) -> str:
    """The four lists as the course writes them, ready to paste into its script.

    ``digits`` rounds to that many significant digits; ``None`` keeps every value exactly.
    """
    rows = {
        "in_hid_weight": "["
        + ", ".join(_list_text(r, digits) for r in weights.in_hid_weight)
        + "]",
        "hid_bias": _list_text(weights.hid_bias, digits),
        "hid_out_weight": "[" + _list_text(weights.hid_out_weight[0], digits) + "]",
        "out_bias": _list_text(weights.out_bias, digits),
    }
    width = max(len(name) for name in FIELDS)
    return "\n".join(f"{name.ljust(width)} = {rows[name]}" for name in FIELDS) + "\n"


def parse_python_block(text: str) -> MLPWeights:
    """Weights from a pasted Python block (the four assignments, any order, comments allowed).

    Values are read with :func:`ast.literal_eval`; nothing is ever executed.
    Text that is too long or nested too deeply for Python's parser (e.g.
    200,000 minus signs) is refused with a :class:`UserError`.
    """
    if len(text) > MAX_TEXT_BYTES:
        raise UserError(f"the weights text is too long ({len(text):,} characters)")
    try:
        return _parse_python_block(text)
    except (RecursionError, MemoryError):
        raise UserError("the weights text is nested too deeply to be a list of numbers") from None


def _parse_python_block(text: str) -> MLPWeights:
    try:
        tree = ast.parse(text.replace("\t", "    "))
    except SyntaxError as exc:
        if "integer string conversion" in str(exc.msg):  # Python's 4,300-digit limit, in its own words
            raise UserError(f"a number on line {exc.lineno} is out of range (thousands of digits)") from None
        raise UserError(
            f"the weights text is not valid Python (line {exc.lineno}: {exc.msg})"
        ) from None
    found: dict[str, object] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            name = _target_name(target)
            if name in FIELDS:
                try:
                    found[name] = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    raise UserError(
                        f"{name} (line {node.lineno}) is not a plain list of numbers"
                    ) from None
    missing = [name for name in FIELDS if name not in found]
    if missing:
        raise UserError(f"the weights text does not set {', '.join(missing)}")
    for name, value in found.items():
        if not isinstance(value, list | tuple):
            raise UserError(f"{name} must be a list of numbers")
    check_numbers(found)
    return MLPWeights.from_lists(found)


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):  # e.g. self.hid_bias = [...]
        return target.attr
    return None


# --- torch checkpoints (through explorer.core.checkpoints) ------------------------------------


def architecture_name(hidden: int) -> str:
    """``"MLP 2-5-1"``: the architecture label stored in checkpoints."""
    return f"MLP 2-{hidden}-1"


def save_checkpoint(
    weights: MLPWeights,
    path: str | os.PathLike,
    activation: str,
    hyperparameters: dict | None = None,
) -> Path:
    """Save as a torch checkpoint with the course's parameter names and a metadata record."""
    from explorer.core import checkpoints  # imports torch: only when needed

    return checkpoints.save(
        path,
        weights.to_state_dict(),
        experiment=EXPERIMENT,
        architecture=architecture_name(weights.hidden),
        hyperparameters=dict(hyperparameters or {}),
        extra={"activation": check_activation(activation)},
    )


def load_checkpoint(path: str | os.PathLike) -> tuple[MLPWeights, str | None]:
    """Read a checkpoint or a course ``.pth`` state dict; returns weights and activation (or ``None``)."""
    from explorer.core import checkpoints

    ckpt = checkpoints.load(path, experiment=EXPERIMENT)
    try:
        weights = MLPWeights.from_state_dict(ckpt.state_dict)
    except UserError as exc:
        raise UserError(f"{Path(path).name}: {exc}") from None
    return weights, ckpt.extra.get("activation")


def load_weights_file(path: str | os.PathLike) -> tuple[MLPWeights, str | None]:
    """Read weights by file type: ``.json``, ``.py``/``.txt`` (Python block) or ``.pt``/``.pth``."""
    path = regular_file(path, "weights file")
    suffix = path.suffix.lower()
    if suffix in (".pt", ".pth"):
        return load_checkpoint(path)
    if suffix in (".py", ".txt"):
        text = _read_text(path)
        try:
            return parse_python_block(text), None
        except UserError as exc:
            raise UserError(f"{path.name}: {exc}") from None
    return load_json(path)
