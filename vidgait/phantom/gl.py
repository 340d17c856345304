"""Off-screen OpenGL rasteriser of the phantom (moderngl, headless EGL, Mesa llvmpipe on a CPU).

Only this module imports :mod:`moderngl`. The scene is: a textured tiled floor with soft contact
shadows, a textured brick wall behind the walker, the figure's instanced cones and ellipsoids and,
when worn, the printed pelvis marker card (:mod:`vidgait.phantom.card`: a textured quad, mipmapped
and anisotropically filtered, depth-tested so the body can hide it), all lit by a key light, a
fill light and ambient light (Lambert + Blinn-Phong).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np

from vidgait.phantom.card import CardPlacement, card_texture
from vidgait.phantom.figure import Primitives
from vidgait.phantom.shaders import (
    FRAG_BACKDROP,
    FRAG_CARD,
    FRAG_FIGURE,
    VERT_BACKDROP,
    VERT_CARD,
    VERT_CONE,
    VERT_ELLIPSOID,
)
from vidgait.synth.camera import Camera


@dataclass(frozen=True)
class Backdrop:
    """Where the floor and the wall are.

    Attributes
    ----------
    wall_point : (3,) float
        A point on the wall plane (on the floor).
    wall_normal : (3,) float
        Horizontal unit normal of the wall, pointing at the camera.
    floor_half_size : float
        Half width of the floor along the wall; it reaches twice as far from the wall toward the
        camera. The wall is 20 m high.
    """

    wall_point: np.ndarray
    wall_normal: np.ndarray
    floor_half_size: float = 40.0

    @classmethod
    def behind(cls, view: Camera, points: np.ndarray, margin: float = 1.5) -> Backdrop:
        """Place the wall behind all ``points`` (N, 3) as seen from ``view``.

        Parameters
        ----------
        view : Camera
            The camera.
        points : (N, 3) array_like
            World points the wall must not hide (e.g. all landmarks of a clip).
        margin : float
            Distance in metres between the farthest point and the wall.
        """
        fwd = view.forward.copy()
        fwd[2] = 0.0
        if np.linalg.norm(fwd) < 1e-6:  # looking straight down: any horizontal direction works
            fwd = view.rotation()[1].copy()
            fwd[2] = 0.0
        fwd /= np.linalg.norm(fwd)
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        far = float(np.max(pts @ fwd)) + margin
        centre = pts.mean(axis=0)
        wall_point = centre + (far - float(centre @ fwd)) * fwd
        wall_point[2] = 0.0
        return cls(wall_point=wall_point, wall_normal=-fwd)


def _sphere_mesh(n_lat: int = 16, n_lon: int = 24) -> np.ndarray:
    """Unit-sphere triangles as a (N, 3) float32 vertex array."""
    th = np.linspace(0.0, np.pi, n_lat + 1)
    ph = np.linspace(0.0, 2.0 * np.pi, n_lon + 1)
    grid = np.stack([np.outer(np.sin(th), np.cos(ph)), np.outer(np.sin(th), np.sin(ph)),
                     np.outer(np.cos(th), np.ones_like(ph))], axis=-1)
    a, b = grid[:-1, :-1], grid[1:, :-1]
    c, d = grid[1:, 1:], grid[:-1, 1:]
    tris = np.stack([a, b, c, a, c, d], axis=2).reshape(-1, 3)
    return tris.astype(np.float32)


def _cone_mesh(n_around: int = 20) -> np.ndarray:
    """Open cylinder side as (angle, t) pairs, (N, 2) float32."""
    ang = np.linspace(0.0, 2.0 * np.pi, n_around + 1)
    a0, a1 = ang[:-1], ang[1:]
    z, o = np.zeros_like(a0), np.ones_like(a0)
    quads = np.stack([np.stack([a0, z], -1), np.stack([a1, z], -1), np.stack([a1, o], -1),
                      np.stack([a0, z], -1), np.stack([a1, o], -1), np.stack([a0, o], -1)], 1)
    return quads.reshape(-1, 2).astype(np.float32)


def _backdrop_mesh(bd: Backdrop) -> np.ndarray:
    """Floor and wall quads as (N, 4) float32: x, y, z, kind (0 floor, 1 wall)."""
    n = np.asarray(bd.wall_normal, dtype=np.float64)
    u = np.array([-n[1], n[0], 0.0])
    c = np.asarray(bd.wall_point, dtype=np.float64)
    s = bd.floor_half_size
    top = np.array([0.0, 0.0, 20.0])
    f = [c - s * u, c + s * u, c + s * u + 2 * s * n, c - s * u + 2 * s * n]  # wall -> camera
    w = [c - s * u, c + s * u, c + s * u + top, c - s * u + top]
    quads = []
    for kind, q in ((0.0, f), (1.0, w)):
        for i in (0, 1, 2, 0, 2, 3):
            quads.append([*q[i], kind])
    return np.asarray(quads, dtype=np.float32)


def create_context():
    """Create a headless OpenGL 3.3 context (EGL).

    Returns
    -------
    moderngl.Context

    Raises
    ------
    RuntimeError
        If no EGL context can be created (missing libEGL / Mesa); the message names the fix.
    """
    import moderngl

    try:
        return moderngl.create_standalone_context(backend="egl")
    except Exception as exc:  # glcontext raises plain Exceptions
        raise RuntimeError(
            "cannot create a headless OpenGL context through EGL "
            f"({exc}); install the packages in scripts/apt-packages.txt "
            "(libegl1, libgl1, libegl-mesa0, libgl1-mesa-dri)") from exc


class Renderer:
    """Renders phantom frames of a fixed size with one camera and backdrop.

    Parameters
    ----------
    view : Camera
        Camera; the output image is ``view.height`` x ``view.width``.
    backdrop : Backdrop, optional
        Floor and wall; no backdrop (grey) when omitted.
    samples : int
        MSAA samples (0 or 1 disables anti-aliasing).
    ctx : moderngl.Context, optional
        Context to share; a new EGL context when omitted.
    card : CardPlacement, optional
        The marker card the figure wears (its texture); drawn where :meth:`render` is given its
        corners.
    """

    def __init__(self, view: Camera, backdrop: Backdrop | None = None, *, samples: int = 4,
                 ctx=None, card: CardPlacement | None = None) -> None:
        self.view = view
        self.backdrop = backdrop
        self.ctx = ctx or create_context()
        self._own_ctx = ctx is None
        size = (int(view.width), int(view.height))
        ctx_ = self.ctx
        self._samples = samples if samples > 1 else 0
        self._fbo = ctx_.simple_framebuffer(size, components=4, samples=self._samples)
        self._resolve = (ctx_.simple_framebuffer(size, components=4) if self._samples else
                         self._fbo)
        self._prog_ell = ctx_.program(vertex_shader=VERT_ELLIPSOID, fragment_shader=FRAG_FIGURE)
        self._prog_cone = ctx_.program(vertex_shader=VERT_CONE, fragment_shader=FRAG_FIGURE)
        self._prog_bg = ctx_.program(vertex_shader=VERT_BACKDROP, fragment_shader=FRAG_BACKDROP)
        self._sphere = ctx_.buffer(_sphere_mesh().tobytes())
        self._cone = ctx_.buffer(_cone_mesh().tobytes())
        self._n_sphere = len(_sphere_mesh())
        self._n_cone = len(_cone_mesh())
        self._bg_vao = None
        if backdrop is not None:
            bg = ctx_.buffer(_backdrop_mesh(backdrop).tobytes())
            self._bg_vao = ctx_.vertex_array(self._prog_bg, [(bg, "3f 1f", "in_pos", "in_kind")])
        self._card = self._card_objects(card) if card is not None else None
        self._set_uniforms()

    def _set_uniforms(self) -> None:
        v = self.view
        mvp = (v.gl_projection() @ v.gl_view()).astype(np.float32)
        right, _down, fwd = v.rotation()
        up = np.array([0.0, 0.0, 1.0])
        key = -0.55 * fwd + 0.75 * up + 0.35 * right
        fill = -0.6 * fwd - 0.2 * right + 0.2 * up
        progs = [self._prog_ell, self._prog_cone, self._prog_bg]
        if self._card is not None:
            progs.append(self._card["prog"])
        for prog in progs:
            prog["u_mvp"].write(mvp.T.tobytes())  # GLSL is column-major
            prog["u_key"].value = tuple(key / np.linalg.norm(key))
            prog["u_fill"].value = tuple(fill / np.linalg.norm(fill))
            prog["u_eye"].value = tuple(v.position)
        if self.backdrop is not None:
            n = np.asarray(self.backdrop.wall_normal, dtype=np.float64)
            self._prog_bg["u_wall_u"].value = (-n[1], n[0], 0.0)
            self._prog_bg["u_wall_n"].value = tuple(n)

    def _draw_figure(self, prim: Primitives, flat: bool) -> None:
        cones, ells, _ = prim.arrays()
        ctx = self.ctx
        for prog in (self._prog_ell, self._prog_cone):
            prog["u_flat"].value = int(flat)
        if len(ells):
            buf = ctx.buffer(ells.tobytes())
            vao = ctx.vertex_array(self._prog_ell, [
                (self._sphere, "3f", "in_pos"),
                (buf, "3f 3f 3f 3f 3f/i", "i_centre", "i_ax0", "i_ax1", "i_ax2", "i_col")])
            vao.render(instances=len(ells))
            vao.release()
            buf.release()
        if len(cones):
            buf = ctx.buffer(cones.tobytes())
            vao = ctx.vertex_array(self._prog_cone, [
                (self._cone, "2f", "in_at"),
                (buf, "3f 1f 3f 1f 3f/i", "i_p0", "i_r0", "i_p1", "i_r1", "i_col")])
            vao.render(instances=len(cones))
            vao.release()
            buf.release()

    def _card_objects(self, card: CardPlacement) -> dict:
        """The card's program, mipmapped texture and vertex buffer."""
        import moderngl

        ctx = self.ctx
        img, uv = card_texture(card)
        tex = ctx.texture((img.shape[1], img.shape[0]), 1, np.ascontiguousarray(img).tobytes(),
                          alignment=1)
        tex.repeat_x = tex.repeat_y = False
        tex.build_mipmaps()
        tex.filter = (moderngl.LINEAR_MIPMAP_LINEAR, moderngl.LINEAR)
        with contextlib.suppress(Exception):  # anisotropic filtering where the driver has it
            tex.anisotropy = min(16.0, float(getattr(ctx, "max_anisotropy", 1.0)))
        prog = ctx.program(vertex_shader=VERT_CARD, fragment_shader=FRAG_CARD)
        prog["u_tex"].value = 0
        buf = ctx.buffer(reserve=6 * 5 * 4)
        vao = ctx.vertex_array(prog, [(buf, "3f 2f", "in_pos", "in_uv")])
        return {"tex": tex, "prog": prog, "buf": buf, "vao": vao, "uv": uv}

    def _draw_card(self, corners: np.ndarray, mode: int) -> None:
        """Draw the quad ``corners`` (4, 3: top-left, top-right, bottom-right, bottom-left)."""
        c = self._card
        q = np.asarray(corners, dtype=np.float64)
        normal = np.cross(q[1] - q[0], q[0] - q[3])
        verts = np.hstack([q, c["uv"]])[[0, 1, 2, 0, 2, 3]].astype(np.float32)
        c["buf"].write(verts.tobytes())
        c["prog"]["u_normal"].value = tuple(normal / np.linalg.norm(normal))
        c["prog"]["u_mode"].value = int(mode)
        c["tex"].use(location=0)
        c["vao"].render()

    def _draw_backdrop(self, prim: Primitives) -> None:
        if self._bg_vao is None:
            return
        _, _, shadows = prim.arrays()
        shadows = shadows[:8]
        pad = np.zeros((8, 3), dtype=np.float32)
        pad[: len(shadows)] = shadows
        self._prog_bg["u_shadows"].write(pad.tobytes())
        self._prog_bg["u_n_shadows"].value = len(shadows)
        self._bg_vao.render()

    def _read(self, fbo) -> np.ndarray:
        data = fbo.read(components=3, alignment=1)
        img = np.frombuffer(data, dtype=np.uint8).reshape(self.view.height, self.view.width, 3)
        return img[::-1].copy()

    def render(self, prim: Primitives, card: np.ndarray | None = None) -> np.ndarray:
        """Render one frame.

        Parameters
        ----------
        prim : Primitives
            The figure (and its floor shadows) for this frame.
        card : (4, 3) array_like, optional
            The worn card's corners (top-left, top-right, bottom-right, bottom-left of the cut
            card, lab m; :meth:`vidgait.phantom.card.CardTrack.card_corners`); needs the
            renderer's ``card``.

        Returns
        -------
        (H, W, 3) uint8
            RGB image, row 0 at the top.
        """
        import moderngl

        ctx = self.ctx
        self._fbo.use()
        ctx.clear(0.80, 0.82, 0.84, 1.0, depth=1.0)
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.CULL_FACE)
        self._draw_backdrop(prim)
        self._draw_figure(prim, flat=False)
        if card is not None:
            self._draw_card(card, mode=0)
        if self._samples:
            ctx.copy_framebuffer(self._resolve, self._fbo)
        return self._read(self._resolve)

    def render_mask(self, prim: Primitives) -> np.ndarray:
        """Coverage of the figure alone (no backdrop, no anti-aliasing).

        Parameters
        ----------
        prim : Primitives
            What to rasterise.

        Returns
        -------
        (H, W) bool
            True where a primitive covers the pixel centre.
        """
        import moderngl

        ctx = self.ctx
        fbo = ctx.simple_framebuffer((self.view.width, self.view.height), components=4)
        try:
            fbo.use()
            ctx.clear(0.0, 0.0, 0.0, 1.0, depth=1.0)
            ctx.enable(moderngl.DEPTH_TEST)
            flat = Primitives(cones=[[*c[:8], 1.0, 1.0, 1.0] for c in prim.cones],
                              ellipsoids=[[*e[:12], 1.0, 1.0, 1.0] for e in prim.ellipsoids])
            self._draw_figure(flat, flat=True)
            return self._read(fbo)[..., 0] > 127
        finally:
            fbo.release()

    def card_coverage(self, prim: Primitives, quad: np.ndarray) -> float:
        """The share of a quad on the card (e.g. the tag's black square) that the figure leaves
        visible: pixel centres covered by the quad with the figure in front of it, over those
        covered without the figure (no anti-aliasing). 0 when the quad misses the picture.

        Parameters
        ----------
        prim : Primitives
            The figure for this frame.
        quad : (4, 3) array_like
            Corners in the lab, m, in order around the quad.

        Returns
        -------
        float
            0..1.
        """
        import moderngl

        ctx, v = self.ctx, self.view
        uv = v.project(np.asarray(quad, dtype=np.float64))
        if not np.all(np.isfinite(uv)):
            return 0.0
        x0, x1 = max(int(np.floor(uv[:, 0].min())), 0), min(int(np.ceil(uv[:, 0].max())), v.width)
        y0, y1 = (max(int(np.floor(uv[:, 1].min())), 0),
                  min(int(np.ceil(uv[:, 1].max())), v.height))
        if x1 <= x0 or y1 <= y0:
            return 0.0
        box = (x0, v.height - y1, x1 - x0, y1 - y0)  # GL rows count from the bottom
        fbo, counts = self._resolve, []  # single-sampled; render() has read it already
        try:
            fbo.use()
            ctx.scissor = box
            for with_figure in (False, True):
                ctx.clear(0.0, 0.0, 0.0, 1.0, depth=1.0)
                ctx.enable(moderngl.DEPTH_TEST)
                if with_figure:  # in its flat colours, none of them pure white
                    self._draw_figure(prim, flat=True)
                self._draw_card(quad, mode=1)
                data = np.frombuffer(fbo.read(viewport=box, components=3, alignment=1), np.uint8)
                counts.append(int(np.count_nonzero(np.all(data.reshape(-1, 3) == 255, axis=1))))
        finally:
            ctx.scissor = None
        return counts[1] / counts[0] if counts[0] else 0.0

    def release(self) -> None:
        """Free the GL objects (and the context if this renderer created it)."""
        card = [self._card[k] for k in ("vao", "buf", "prog", "tex")] if self._card else []
        for obj in (self._fbo, self._resolve, self._prog_ell, self._prog_cone, self._prog_bg,
                    self._sphere, self._cone, self._bg_vao, *card):
            if obj is not None:
                with contextlib.suppress(Exception):  # free the others even if one fails
                    obj.release()
        if self._own_ctx:
            self.ctx.release()

    def __enter__(self) -> Renderer:
        """Return the renderer; leaving the ``with`` block releases it."""
        return self

    def __exit__(self, *exc) -> None:
        """Free the GL objects (:meth:`release`)."""
        self.release()
