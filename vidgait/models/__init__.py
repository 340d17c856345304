"""Provisioning of the MediaPipe pose-landmarker model bundles.

The pose stage runs MediaPipe Tasks ``PoseLandmarker``, which needs a ``.task`` bundle: a zip
holding ``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``. Three variants exist
(``lite``, ``full`` -- the default -- and ``heavy``). Bundles are never committed; this package
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

Modules, each using only the ones listed before it:
:mod:`~vidgait.models.manifest` (model names, the manifest, recorded hashes),
:mod:`~vidgait.models.bundle` (checking a ``.task`` file),
:mod:`~vidgait.models.lookup` (the model folder, finding and listing installed models),
:mod:`~vidgait.models.install` (staging and atomic install, user-supplied files),
:mod:`~vidgait.models.download` (the verified download),
:mod:`~vidgait.models.offline` (the offline build of ``full``) and
:mod:`~vidgait.models.provision` (:func:`fetch_model`, :func:`resolve_model`).
"""

from vidgait.models.bundle import BUNDLE_MEMBERS as BUNDLE_MEMBERS
from vidgait.models.download import CONNECT_TIMEOUT_S as CONNECT_TIMEOUT_S
from vidgait.models.lookup import MODEL_DIR_ENV as MODEL_DIR_ENV
from vidgait.models.lookup import default_model_dir, find_model, list_models
from vidgait.models.manifest import DEFAULT_MODEL, MODEL_NAMES, load_manifest, model_filename
from vidgait.models.offline import PIP_TIMEOUT_S as PIP_TIMEOUT_S
from vidgait.models.offline import build_full_offline
from vidgait.models.provision import fetch_model, resolve_model

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
