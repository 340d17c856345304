"""Errors that vidgait raises on purpose, each with a message meant for a person.

Every error the user can cause (a missing file, a file that is not a video, a clip too short to
hold two strides, ...) is a subclass of :class:`InputError`; the CLI prints its message without a
traceback and exits with code 2. Problems on our side (a model that cannot be provisioned, an
internal failure) exit with code 1.
"""

from __future__ import annotations


class VidgaitError(Exception):
    """Base class of every error vidgait raises deliberately."""

    exit_code = 1


class InputError(VidgaitError):
    """The input (file, camera, arguments) cannot be used; the user can fix it."""

    exit_code = 2


class VideoNotFoundError(InputError):
    """The given path does not exist or is not a file."""


class NotAVideoError(InputError):
    """The file exists but holds no video stream (text, image, audio only, ...)."""


class EmptyVideoError(InputError):
    """The file is empty or no frame could be decoded from it."""


class CorruptVideoError(InputError):
    """The container or stream is damaged (e.g. a truncated upload)."""


class ClipTooShortError(InputError):
    """The clip is too short to hold two strides of walking."""


class VideoLimitError(InputError):
    """Resolution, duration or file size is beyond the configured limits."""


class CameraError(InputError):
    """A camera could not be opened or stopped delivering frames."""


class NoPersonError(InputError):
    """No person was found in (enough of) the video."""


class NotWalkingError(InputError):
    """A person was found but no walking pass could be measured (standing, turning, too short)."""


class PoseFileError(InputError):
    """A saved pose-sequence file is missing, damaged or of an unknown version."""


class MarkerError(InputError, ValueError):
    """A printable marker that cannot be made: an unknown paper or tag id, or a size too small
    to be read or too large for the paper.
    """


class ModelError(VidgaitError):
    """A pose model could not be found, downloaded, built or verified."""


class ChecksumError(ModelError):
    """A model file's SHA-256 does not match the manifest; the file was not installed."""
