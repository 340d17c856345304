"""Live webcam assessment: rolling gait metrics, recording guidance and biofeedback.

:class:`LiveProcessor` takes frames with timestamps (from the browser page or a camera), runs the
pose model, keeps a rolling window of landmarks and recomputes metrics with the pure kinematics
core; :func:`run_camera` drives it from an OpenCV camera or a video file played in real time.
Importing this package does not import mediapipe or streamlit.
"""

from vidgait.live.camera import LiveOutput, open_source, play_file, run_camera
from vidgait.live.guidance import Advice, frame_advice, mean_luma
from vidgait.live.metrics import (DEFAULT_BANDS, METRICS, Band, Biofeedback, FeedbackState,
                                  RollingMetrics, StrideValue, rolling_metrics, stride_values)
from vidgait.live.processor import LiveConfig, LiveProcessor, LiveSnapshot, choose_model
from vidgait.live.recorder import Recorder, RecordingInfo

__all__ = [
    "DEFAULT_BANDS", "METRICS", "Advice", "Band", "Biofeedback", "FeedbackState", "LiveConfig",
    "LiveOutput", "LiveProcessor", "LiveSnapshot", "Recorder", "RecordingInfo", "RollingMetrics",
    "StrideValue", "choose_model", "frame_advice", "mean_luma", "open_source", "play_file",
    "rolling_metrics", "run_camera", "stride_values",
]
