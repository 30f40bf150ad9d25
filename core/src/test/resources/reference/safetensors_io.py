"""A tiny, dependency-free safetensors reader/writer for the Fovea interop fixtures.

Byte-compatible with the reference implementation (huggingface/safetensors): 8-byte little-endian
header length, compact JSON header with "__metadata__" first, tensors ordered by dtype (widest
first, the reference's order) then by name, header padded with spaces to a multiple of 8, data
contiguous and little-endian. If the `safetensors` package is installed, prefer
`safetensors.torch.save_file` / `load_file`; this module exists because Debian's python3-torch
does not ship it.
"""
import json
import struct
import sys

import torch

# the reference implementation's Dtype enum order; files list the widest (last) first
_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32",
          "F64", "I64", "U64"]
_TO_NAME = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64",
            torch.float16: "F16", torch.bfloat16: "BF16", torch.uint8: "U8", torch.int8: "I8",
            torch.int16: "I16", torch.bool: "BOOL"}
_FROM_NAME = {v: k for k, v in _TO_NAME.items()}


def save_file(tensors, path, metadata=None):
    """Writes {name: tensor} to path, as safetensors.torch.save_file does."""
    assert sys.byteorder == "little", "this writer stores native (little-endian) bytes"
    items = sorted(tensors.items(), key=lambda kv: (-_ORDER.index(_TO_NAME[kv[1].dtype]), kv[0]))
    header = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    offset = 0
    blobs = []
    for name, t in items:
        data = t.detach().contiguous().cpu().numpy().tobytes()  # native order: little-endian (checked below)
        header[name] = {"dtype": _TO_NAME[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load_file(path):
    """Reads a safetensors file into {name: tensor} (trusting it: use it on files you made)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = _FROM_NAME[info["dtype"]]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"])
    return out
