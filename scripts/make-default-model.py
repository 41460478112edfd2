#!/usr/bin/python3
"""Builds Parallax's default model: a 24-patch colour-checker classifier, and its stimulus images.

The model reads a 32x32 RGB crop of the photo's centre (values 0..1, sRGB as the camera encoded
it), averages it, converts the mean colour to CIELAB (D65) and scores each of the 24 patches of
the standard colour-checker chart by its colour difference:  logit_i = -DeltaE76(colour, patch_i) / 3.
A softmax over these logits gives the probabilities. Because the answer depends only on the
recorded colour, white-balance, exposure and tone-curve differences between phones change it:
exactly the ISP instability Parallax measures.

Only standard ONNX ops that both onnxruntime-web backends (WASM and WebGPU) run are used.
Outputs (committed): lib/models/builtin/colorchecker/{model.onnx,labels.txt,model.json,stimuli/*.png}.
Run:  /usr/bin/python3 scripts/make-default-model.py   (Debian python3-onnx 1.12 and python3-numpy)
"""
import json
import os
import struct
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "lib", "models", "builtin", "colorchecker")
TEMPERATURE = 3.0  # DeltaE units per logit
SIZE = 32

# The 24 patches (X-Rite ColorChecker Classic, post-2009 formulation), published sRGB (D65) values.
PATCHES = [
    ("dark skin", (115, 82, 68)),
    ("light skin", (194, 150, 130)),
    ("blue sky", (98, 122, 157)),
    ("foliage", (87, 108, 67)),
    ("blue flower", (133, 128, 177)),
    ("bluish green", (103, 189, 170)),
    ("orange", (214, 126, 44)),
    ("purplish blue", (80, 91, 166)),
    ("moderate red", (193, 90, 99)),
    ("purple", (94, 60, 108)),
    ("yellow green", (157, 188, 64)),
    ("orange yellow", (224, 163, 46)),
    ("blue", (56, 61, 150)),
    ("green", (70, 148, 73)),
    ("red", (175, 54, 60)),
    ("yellow", (231, 199, 31)),
    ("magenta", (187, 86, 149)),
    ("cyan", (8, 133, 161)),
    ("white 9.5", (243, 243, 242)),
    ("neutral 8", (200, 200, 200)),
    ("neutral 6.5", (160, 160, 160)),
    ("neutral 5", (122, 122, 121)),
    ("neutral 3.5", (85, 85, 85)),
    ("black 2", (52, 52, 52)),
]

# linear sRGB -> XYZ (D65), IEC 61966-2-1
RGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]],
    dtype=np.float64,
)
WHITE = np.array([0.95047, 1.0, 1.08883], dtype=np.float64)
EPS = (6 / 29) ** 3
KAPPA = 1 / (3 * (6 / 29) ** 2)
LAB_MATRIX = np.array([[0, 500, 0], [116, -500, 200], [0, 0, -200]], dtype=np.float64)  # rows: fX, fY, fZ
LAB_OFFSET = np.array([-16, 0, 0], dtype=np.float64)


def srgb_to_lab(rgb255):
    c = np.asarray(rgb255, dtype=np.float64) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    t = (lin @ RGB_TO_XYZ.T) / WHITE
    f = np.where(t > EPS, np.cbrt(np.maximum(t, EPS)), t * KAPPA + 4 / 29)
    return f @ LAB_MATRIX + LAB_OFFSET


def const(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def build_model():
    refs = np.stack([srgb_to_lab(rgb) for _, rgb in PATCHES])[None, :, :]  # [1,24,3]
    inits = [
        numpy_helper.from_array(np.array([1, 3], dtype=np.int64), "shape_1x3"),
        numpy_helper.from_array(np.array([1, 1, 3], dtype=np.int64), "shape_1x1x3"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "axis_channels"),
        const("srgb_threshold", 0.04045),
        const("srgb_low_div", 12.92),
        const("srgb_offset", 0.055),
        const("srgb_div", 1.055),
        const("srgb_gamma", 2.4),
        const("rgb_to_xyz_t", RGB_TO_XYZ.T),
        const("white", WHITE),
        const("lab_eps", EPS),
        const("lab_kappa", KAPPA),
        const("lab_four_29", 4 / 29),
        const("one_third", 1 / 3),
        const("lab_matrix", LAB_MATRIX),
        const("lab_offset", LAB_OFFSET),
        const("patch_lab", refs),
        const("tiny", 1e-12),
        const("neg_inv_temperature", -1 / TEMPERATURE),
    ]
    nodes = [
        helper.make_node("GlobalAveragePool", ["image"], ["mean_rgb_4d"], name="mean_colour"),
        helper.make_node("Reshape", ["mean_rgb_4d", "shape_1x3"], ["rgb"]),
        # sRGB decoding (piecewise)
        helper.make_node("Less", ["rgb", "srgb_threshold"], ["is_low"]),
        helper.make_node("Div", ["rgb", "srgb_low_div"], ["lin_low"]),
        helper.make_node("Add", ["rgb", "srgb_offset"], ["rgb_shift"]),
        helper.make_node("Div", ["rgb_shift", "srgb_div"], ["rgb_scaled"]),
        helper.make_node("Pow", ["rgb_scaled", "srgb_gamma"], ["lin_high"]),
        helper.make_node("Where", ["is_low", "lin_low", "lin_high"], ["linear_rgb"]),
        # XYZ relative to the D65 white
        helper.make_node("MatMul", ["linear_rgb", "rgb_to_xyz_t"], ["xyz"]),
        helper.make_node("Div", ["xyz", "white"], ["xyz_n"]),
        # CIELAB f(t)
        helper.make_node("Max", ["xyz_n", "lab_eps"], ["xyz_clamped"]),
        helper.make_node("Pow", ["xyz_clamped", "one_third"], ["f_cbrt"]),
        helper.make_node("Mul", ["xyz_n", "lab_kappa"], ["f_lin_scaled"]),
        helper.make_node("Add", ["f_lin_scaled", "lab_four_29"], ["f_lin"]),
        helper.make_node("Greater", ["xyz_n", "lab_eps"], ["is_cbrt"]),
        helper.make_node("Where", ["is_cbrt", "f_cbrt", "f_lin"], ["f"]),
        helper.make_node("MatMul", ["f", "lab_matrix"], ["lab_raw"]),
        helper.make_node("Add", ["lab_raw", "lab_offset"], ["lab"]),
        # DeltaE76 to each patch
        helper.make_node("Reshape", ["lab", "shape_1x1x3"], ["lab_3d"]),
        helper.make_node("Sub", ["lab_3d", "patch_lab"], ["diff"]),
        helper.make_node("Mul", ["diff", "diff"], ["diff_sq"]),
        helper.make_node("ReduceSum", ["diff_sq", "axis_channels"], ["dist_sq"], keepdims=0),
        helper.make_node("Add", ["dist_sq", "tiny"], ["dist_sq_safe"]),
        helper.make_node("Sqrt", ["dist_sq_safe"], ["delta_e"]),
        helper.make_node("Mul", ["delta_e", "neg_inv_temperature"], ["logits"], name="logits"),
    ]
    graph = helper.make_graph(
        nodes,
        "parallax_colorchecker",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, len(PATCHES)])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="parallax make-default-model.py")
    model.ir_version = 8
    model.doc_string = "Colour-checker patch classifier: -DeltaE76(mean centre colour, patch) / 3 for the 24 patches."
    onnx.checker.check_model(model)
    return model


def write_png(path, width, height, rgb):
    row = bytes([0]) + bytes(rgb) * width
    raw = row * height
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"sRGB", bytes([0])) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def slug(name):
    return name.replace(" ", "-").replace(".", "-")


def write_test_fixtures():
    """Tiny models for the registry's validation tests (lib/models/test-fixtures/)."""
    out = os.path.join(HERE, "..", "lib", "models", "test-fixtures")
    os.makedirs(out, exist_ok=True)
    weights = np.arange(30, dtype=np.float32).reshape(3, 10) / 30
    tiny = helper.make_graph(
        [
            helper.make_node("GlobalAveragePool", ["image"], ["pooled"]),
            helper.make_node("Reshape", ["pooled", "shape_1x3"], ["flat"]),
            helper.make_node("MatMul", ["flat", "weights"], ["scores"]),
        ],
        "tiny_classifier_10",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 8, 8])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", 10])],
        [numpy_helper.from_array(np.array([-1, 3], dtype=np.int64), "shape_1x3"), const("weights", weights)],
    )
    rank2 = helper.make_graph(
        [helper.make_node("Identity", ["features"], ["scores"])],
        "rank2_input",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 10])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 10])],
    )
    tokens = helper.make_graph(
        [helper.make_node("Cast", ["token_ids"], ["scores"], to=TensorProto.FLOAT)],
        "int_input",
        [helper.make_tensor_value_info("token_ids", TensorProto.INT64, [1, 10])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 10])],
    )
    for name, graph in [("tiny-classifier-10", tiny), ("rank2-input", rank2), ("int64-input", tokens)]:
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="parallax make-default-model.py")
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(out, f"{name}.onnx"))


def main():
    write_test_fixtures()
    os.makedirs(os.path.join(OUT, "stimuli"), exist_ok=True)
    onnx.save(build_model(), os.path.join(OUT, "model.onnx"))
    with open(os.path.join(OUT, "labels.txt"), "w") as f:
        f.write("\n".join(name for name, _ in PATCHES) + "\n")
    stimuli = []
    for i, (name, rgb) in enumerate(PATCHES):
        file = f"{i + 1:02d}-{slug(name)}.png"
        write_png(os.path.join(OUT, "stimuli", file), 512, 512, rgb)
        stimuli.append({"key": f"patch-{i + 1:02d}", "file": file, "label": name, "labelIndex": i, "srgb": list(rgb)})
    meta = {
        "name": "Colour checker (24 patches, CIELAB)",
        "source": "builtin:colorchecker",
        "task": "image-classification",
        "inputName": "image",
        "outputName": "logits",
        "topK": 5,
        "preprocessing": {
            "resize": "shorter-side",
            "resizeShorterSide": 2 * SIZE,
            "width": SIZE,
            "height": SIZE,
            "colorOrder": "RGB",
            "scale": 1 / 255,
            "mean": [0, 0, 0],
            "std": [1, 1, 1],
            "layout": "NCHW",
        },
        "temperature": TEMPERATURE,
        "stimuli": stimuli,
    }
    with open(os.path.join(OUT, "model.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"wrote {OUT}: model.onnx, labels.txt, model.json and {len(stimuli)} stimuli")


if __name__ == "__main__":
    main()
