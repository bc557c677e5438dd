"""Minimal safetensors reader and writer (little-endian F32 only), so training needs no extra package."""
import json, struct
import numpy as np


def read_safetensors(path):
    """(tensors as float32 NumPy arrays by name, metadata)."""
    blob = open(path, 'rb').read()
    size = struct.unpack('<Q', blob[:8])[0]
    header = json.loads(blob[8:8 + size])
    metadata = header.pop('__metadata__', {})
    base = 8 + size
    tensors = {name: np.frombuffer(blob[base + e['data_offsets'][0]:base + e['data_offsets'][1]], '<f4')
               .reshape(e['shape']).copy() for name, e in header.items()}
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {'__metadata__': {k: str(v) for k, v in metadata.items()}}, 0, []
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype='<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(',', ':')).encode()
    encoded += b' ' * (-len(encoded) % 8)          # the format allows trailing spaces; aligns the data
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
