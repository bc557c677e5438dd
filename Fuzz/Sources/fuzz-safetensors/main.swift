import Foundation
import FuzzDriver
import VSRInference

/// One fuzz input is a whole .safetensors file: the header is parsed and every tensor decoded, then
/// a model is built from the metadata, which checks every tensor's name and shape.
runFuzzer { bytes, count in
    guard let bytes else { return 0 }
    let data = Data(bytes: bytes, count: count)
    guard let weights = try? SafeTensors.read(data, source: "fuzz.safetensors") else { return 0 }
    for (name, entry) in weights.tensors {
        precondition(entry.values.count == entry.shape.reduce(1, *), "tensor \(name) has the wrong number of values")
    }
    _ = try? ModelRegistry.build(weights, source: "fuzz.safetensors")
    return 0
}
