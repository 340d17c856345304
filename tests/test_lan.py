"""The Live page on a clinic LAN: the browser's camera works over HTTPS with vidgait's certificate.

Browsers only give a page the camera in a secure context (https or localhost). These tests serve
the live page on this machine's LAN address, first over plain http (the browser refuses the
camera: the reason the certificate exists) and then over HTTPS with a certificate made by
``vidgait lan-cert``, where Chromium's fake camera streams to the server with no STUN server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from cryptography import x509

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, streamlit_app
from tests.ui.test_live_browser import APP, ARTIFACTS, CLIP, _start_stream, write_y4m
from vidgait.lan import CERT_NAME, KEY_NAME, lan_address, make_certificate

LAN = lan_address()


def test_certificate_names_the_hosts_and_keeps_the_key_private(tmp_path):
    cert_path, key_path = make_certificate(tmp_path, ["192.168.1.20", "gait-room"])
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    ips = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    assert ips == {"192.168.1.20", "127.0.0.1"}
    assert set(san.get_values_for_type(x509.DNSName)) == {"gait-room", "localhost"}
    assert oct(key_path.stat().st_mode & 0o777) == "0o600"
    assert (cert_path.name, key_path.name) == (CERT_NAME, KEY_NAME)


def test_cli_makes_a_certificate_and_says_how_to_serve(tmp_path):
    r = subprocess.run([sys.executable, "-m", "vidgait.cli", "lan-cert", "-o", str(tmp_path),
                        "--host", "10.0.0.7"], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert "--server.sslCertFile" in r.stdout and "https://10.0.0.7:8501" in r.stdout
    assert (tmp_path / CERT_NAME).is_file() and (tmp_path / KEY_NAME).is_file()


def _camera_state(url: str, y4m, *, stream: bool) -> dict:
    """Open the live page at ``url`` in Chromium; whether the camera is allowed (and streams)."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}",
            "--disable-features=WebRtcHideLocalIpsWithMdns"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            page = browser.new_page(ignore_https_errors=True,
                                    viewport={"width": 1400, "height": 1100})
            page.goto(url)
            page.get_by_text("Live assessment").first.wait_for(timeout=60_000)
            state = page.evaluate("() => ({secure: window.isSecureContext, "
                                  "camera: !!(navigator.mediaDevices && "
                                  "navigator.mediaDevices.getUserMedia)})")
            if stream:
                frame = page.frame_locator('iframe[title*="streamlit_webrtc"]').first
                _start_stream(page, frame)
                video = frame.locator("video").first
                video.wait_for(timeout=30_000)
                page.wait_for_timeout(3000)
                state["playing"] = video.evaluate("v => v.videoWidth > 0 && v.currentTime > 0")
                page.screenshot(path=str(ARTIFACTS / "live_page_lan_https.png"), full_page=True)
            return state
        finally:
            browser.close()


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.is_file(), reason="Chromium not installed")
@pytest.mark.skipif(LAN is None, reason="this machine has no LAN address")
def test_live_page_streams_over_https_on_the_lan(tmp_path):
    y4m = write_y4m(CLIP, tmp_path / "walker.y4m", every=2, fps=15)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("VIDGAIT_ICE_SERVERS", None)  # no STUN/TURN: LAN host candidates only
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_app(APP, tmp_path / "http.log", env, address=LAN) as url:
        plain = _camera_state(url, y4m, stream=False)
    assert plain == {"secure": False, "camera": False}, plain  # why the certificate is needed
    tls = make_certificate(tmp_path / "tls", [LAN])
    log = tmp_path / "https.log"
    try:
        with streamlit_app(APP, log, env, address=LAN, tls=tls) as url:
            assert url.startswith(f"https://{LAN}:")
            secure = _camera_state(url, y4m, stream=True)
    finally:
        shutil.copy(log, ARTIFACTS / "live_page_lan_https_streamlit.log")
    assert secure == {"secure": True, "camera": True, "playing": True}, secure
