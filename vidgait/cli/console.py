"""The command line's console: MediaPipe's native log lines kept out of the way, and progress
bars on standard error (frames, or percent of the pose stage).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator

from vidgait.errors import InputError


@contextlib.contextmanager
def native_logs_aside(verbose: bool) -> Iterator[None]:
    """Send MediaPipe/LiteRT's C++ log lines (written straight to fd 2) to a temporary file.

    Python's ``sys.stderr`` is moved to a duplicate of the real stderr, so progress bars and
    vidgait's own messages still show. With ``--verbose`` nothing is hidden. When the command
    fails for a reason other than bad input, the last native lines are shown: they may say why.

    Parameters
    ----------
    verbose : bool
        True (``--verbose``): hide nothing, the native lines go to the terminal.
    """
    if verbose:
        yield
        return
    sys.stderr.flush()
    real = os.dup(2)
    old_stderr = sys.stderr
    with tempfile.TemporaryFile(mode="w+b") as log_file:
        os.dup2(log_file.fileno(), 2)
        sys.stderr = os.fdopen(os.dup(real), "w", buffering=1)
        ok = False
        try:
            yield
            ok = True
        except InputError:
            ok = True  # the user's input: our own message says it all
            raise
        finally:
            sys.stderr.flush()
            sys.stderr.close()
            os.dup2(real, 2)
            os.close(real)
            sys.stderr = old_stderr
            if not ok:
                log_file.seek(0)
                tail = log_file.read().decode(errors="replace").splitlines()[-5:]
                if tail:
                    print("native log (last lines):\n  " + "\n  ".join(tail), file=sys.stderr)


def frame_progress(desc: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A frame progress bar on stderr: its ``update(done, total)`` and ``close`` callbacks.

    Parameters
    ----------
    desc : str
        The bar's label.
    """
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit="frame", file=sys.stderr, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    return update, bar.close


def stage_progress(quiet: bool) -> tuple[Callable[[str, float, str], None], Callable[[], None]]:
    """A pipeline progress callback showing the pose stage as a frame bar (unless quiet).

    Parameters
    ----------
    quiet : bool
        True: no bar, the callbacks do nothing.
    """
    if quiet:
        return (lambda stage, fraction, text: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(desc="pose", unit="%", total=100, file=sys.stderr, dynamic_ncols=True)

    def update(stage: str, fraction: float, text: str) -> None:
        if stage == "pose":
            bar.set_description(text.split(":")[0], refresh=False)
            bar.update(round(100 * fraction) - bar.n)

    return update, bar.close
