"""Minimal safetensors writer (little-endian F32 only), so training needs no extra package."""
import json, struct
import numpy as np


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
