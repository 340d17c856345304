"""GLSL sources of the phantom renderer (:mod:`vidgait.phantom.gl`): the lighting model (key, fill
and ambient light, Lambert + Blinn-Phong), the figure's instanced ellipsoids and cones, the
textured floor and wall behind it, and the printed marker card (a textured quad). Positions in
metres (world), colours in 0..1.
"""

LIGHTING = """
uniform vec3 u_key;
uniform vec3 u_fill;
uniform vec3 u_eye;
vec3 shade(vec3 albedo, vec3 n, vec3 pos, float shininess, float spec_k) {
    vec3 v = normalize(u_eye - pos);
    if (dot(n, v) < 0.0) n = -n;
    float key = max(dot(n, u_key), 0.0);
    float fill = max(dot(n, u_fill), 0.0);
    float rim = pow(1.0 - max(dot(n, v), 0.0), 3.0);
    vec3 h = normalize(u_key + v);
    float spec = spec_k * pow(max(dot(n, h), 0.0), shininess);
    return albedo * (0.30 + 0.62 * key + 0.22 * fill + 0.10 * rim) + vec3(spec);
}
"""

FRAG_FIGURE = """
#version 330
in vec3 v_pos; in vec3 v_nrm; in vec3 v_col;
out vec4 f_color;
uniform int u_flat;
""" + LIGHTING + """
void main() {
    if (u_flat == 1) { f_color = vec4(v_col, 1.0); return; }
    f_color = vec4(clamp(shade(v_col, normalize(v_nrm), v_pos, 24.0, 0.18), 0.0, 1.0), 1.0);
}
"""

VERT_ELLIPSOID = """
#version 330
uniform mat4 u_mvp;
in vec3 in_pos;
in vec3 i_centre; in vec3 i_ax0; in vec3 i_ax1; in vec3 i_ax2; in vec3 i_col;
out vec3 v_pos; out vec3 v_nrm; out vec3 v_col;
void main() {
    mat3 m = mat3(i_ax0, i_ax1, i_ax2);
    v_pos = i_centre + m * in_pos;
    v_nrm = transpose(inverse(m)) * in_pos;
    v_col = i_col;
    gl_Position = u_mvp * vec4(v_pos, 1.0);
}
"""

VERT_CONE = """
#version 330
uniform mat4 u_mvp;
in vec2 in_at;
in vec3 i_p0; in float i_r0; in vec3 i_p1; in float i_r1; in vec3 i_col;
out vec3 v_pos; out vec3 v_nrm; out vec3 v_col;
void main() {
    vec3 a = i_p1 - i_p0;
    float len = max(length(a), 1e-6);
    vec3 ah = a / len;
    vec3 ref = abs(ah.z) < 0.9 ? vec3(0.0, 0.0, 1.0) : vec3(1.0, 0.0, 0.0);
    vec3 u = normalize(cross(ah, ref));
    vec3 w = cross(ah, u);
    vec3 e = cos(in_at.x) * u + sin(in_at.x) * w;
    v_pos = i_p0 + a * in_at.y + mix(i_r0, i_r1, in_at.y) * e;
    v_nrm = len * e + (i_r0 - i_r1) * ah;
    v_col = i_col;
    gl_Position = u_mvp * vec4(v_pos, 1.0);
}
"""

VERT_BACKDROP = """
#version 330
uniform mat4 u_mvp;
in vec3 in_pos; in float in_kind;
out vec3 v_pos; flat out int v_kind;
void main() {
    v_pos = in_pos; v_kind = int(in_kind + 0.5);
    gl_Position = u_mvp * vec4(in_pos, 1.0);
}
"""

FRAG_BACKDROP = """
#version 330
in vec3 v_pos; flat in int v_kind;
out vec4 f_color;
uniform vec3 u_wall_u;
uniform vec3 u_wall_n;
uniform vec3 u_shadows[8];
uniform int u_n_shadows;
""" + LIGHTING + """
float hash(vec2 p) { return fract(sin(dot(p, vec2(127.1, 311.7))) * 43758.5453); }
float vnoise(vec2 p) {
    vec2 i = floor(p); vec2 f = fract(p); f = f * f * (3.0 - 2.0 * f);
    return mix(mix(hash(i), hash(i + vec2(1, 0)), f.x),
               mix(hash(i + vec2(0, 1)), hash(i + vec2(1, 1)), f.x), f.y);
}
vec3 floor_albedo(vec2 p) {
    float tile = 0.6;
    vec2 q = p / tile;
    vec2 g = abs(fract(q) - 0.5);
    float grout = smoothstep(0.47, 0.49, max(g.x, g.y));
    float chk = mod(floor(q.x) + floor(q.y), 2.0);
    vec3 base = mix(vec3(0.74, 0.70, 0.63), vec3(0.62, 0.58, 0.52), chk);
    base *= 0.9 + 0.2 * vnoise(p * 9.0) + 0.06 * hash(floor(q));
    return mix(base, vec3(0.40, 0.38, 0.35), grout);
}
vec3 wall_albedo(vec2 p) {
    if (p.y < 0.12) return vec3(0.30, 0.25, 0.22);
    vec2 b = vec2(0.30, 0.11);
    float row = floor(p.y / b.y);
    vec2 q = vec2(p.x / b.x + 0.5 * mod(row, 2.0), p.y / b.y);
    vec2 g = abs(fract(q) - 0.5);
    float mortar = max(smoothstep(0.46, 0.49, g.x), smoothstep(0.40, 0.47, g.y));
    vec3 brick = vec3(0.78, 0.74, 0.66) * (0.88 + 0.18 * hash(floor(q)) + 0.08 * vnoise(p * 14.0));
    return mix(brick, vec3(0.88, 0.87, 0.84), mortar);
}
void main() {
    vec3 c;
    if (v_kind == 0) {
        float shade_k = 1.0;
        for (int i = 0; i < u_n_shadows; ++i) {
            vec2 d = v_pos.xy - u_shadows[i].xy;
            shade_k -= 0.35 * exp(-dot(d, d) / (u_shadows[i].z * u_shadows[i].z));
        }
        c = shade(floor_albedo(v_pos.xy), vec3(0, 0, 1), v_pos, 40.0, 0.05) * max(shade_k, 0.3);
    } else {
        vec2 p = vec2(dot(v_pos, u_wall_u), v_pos.z);
        c = shade(wall_albedo(p), u_wall_n, v_pos, 8.0, 0.0);
    }
    f_color = vec4(clamp(c, 0.0, 1.0), 1.0);
}
"""

VERT_CARD = """
#version 330
uniform mat4 u_mvp;
in vec3 in_pos; in vec2 in_uv;
out vec3 v_pos; out vec2 v_uv;
void main() {
    v_pos = in_pos; v_uv = in_uv;
    gl_Position = u_mvp * vec4(in_pos, 1.0);
}
"""

#: the card: printed face textured (grey paper and ink, matte), its back plain cardboard;
#: u_mode 1 draws it flat white (coverage passes)
FRAG_CARD = """
#version 330
in vec3 v_pos; in vec2 v_uv;
out vec4 f_color;
uniform sampler2D u_tex;
uniform vec3 u_normal;
uniform int u_mode;
""" + LIGHTING + """
void main() {
    if (u_mode == 1) { f_color = vec4(1.0); return; }
    bool front = dot(u_normal, u_eye - v_pos) > 0.0;
    vec3 albedo = front ? vec3(texture(u_tex, v_uv).r) : vec3(0.55, 0.50, 0.42);
    f_color = vec4(clamp(shade(albedo, u_normal, v_pos, 12.0, 0.03), 0.0, 1.0), 1.0);
}
"""
