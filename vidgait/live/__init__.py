"""Live webcam assessment: rolling gait metrics, recording guidance and biofeedback.

:class:`LiveProcessor` takes frames with timestamps (from the browser page or a camera), runs the
pose model, keeps a rolling window of landmarks and recomputes metrics with the pure kinematics
core; :func:`run_camera` drives it from an OpenCV camera or a video file played in real time.
Importing this package does not import mediapipe or streamlit.
"""

from vidgait.live.biofeedback import (
                                      DEFAULT_BANDS,
                                      METRICS,
                                      Biofeedback,
                                      FeedbackState,
                                      StrideValue,
                                      stride_values,
                                      target_band,
)
from vidgait.live.camera import LiveOutput, open_source, play_file, run_camera
from vidgait.live.config import LiveConfig, choose_model
from vidgait.live.guidance import Advice, frame_advice, mean_luma
from vidgait.live.metrics import RollingMetrics, rolling_metrics
from vidgait.live.processor import LiveProcessor
from vidgait.live.recorder import Recorder, RecordingInfo
from vidgait.live.snapshot import LiveSnapshot

__all__ = [
    "DEFAULT_BANDS", "METRICS", "Advice", "Biofeedback", "FeedbackState", "LiveConfig",
    "LiveOutput", "LiveProcessor", "LiveSnapshot", "Recorder", "RecordingInfo", "RollingMetrics",
    "StrideValue", "choose_model", "frame_advice", "mean_luma", "open_source", "play_file",
    "rolling_metrics", "run_camera", "stride_values", "target_band",
]
