/// Naive, obviously correct implementations of every op, with PyTorch's semantics. The optimized
/// kernels are tested against these, and models can run on them alone (`ConvBackend.reference`).
public enum ReferenceOps {
    /// `torch.nn.functional.conv2d` for batch 1: weight is [out, in, k, k] row-major, zero padding.
    public static func conv2d(
        _ input: Tensor, weight: [Float], bias: [Float]?, outChannels: Int, kernel: Int,
        stride: Int = 1, padding: Int = 0
    ) -> Tensor {
        precondition(weight.count == outChannels * input.channels * kernel * kernel, "conv2d weight size mismatch")
        let outH = (input.height + 2 * padding - kernel) / stride + 1
        let outW = (input.width + 2 * padding - kernel) / stride + 1
        precondition(outH > 0 && outW > 0, "conv2d input \(input.height)x\(input.width) is smaller than the kernel")
        var out = Tensor(channels: outChannels, height: outH, width: outW)
        for co in 0..<outChannels {
            for oy in 0..<outH {
                for ox in 0..<outW {
                    var sum: Double = Double(bias?[co] ?? 0)
                    for ci in 0..<input.channels {
                        for ky in 0..<kernel {
                            let iy = oy * stride + ky - padding
                            guard iy >= 0 && iy < input.height else { continue }
                            for kx in 0..<kernel {
                                let ix = ox * stride + kx - padding
                                guard ix >= 0 && ix < input.width else { continue }
                                let w = weight[((co * input.channels + ci) * kernel + ky) * kernel + kx]
                                sum += Double(w) * Double(input[ci, iy, ix])
                            }
                        }
                    }
                    out[co, oy, ox] = Float(sum)
                }
            }
        }
        return out
    }

    public static func activate(_ input: Tensor, _ activation: Activation) -> Tensor {
        var out = input
        for c in 0..<input.channels {
            for i in 0..<input.planeSize {
                let index = c * input.planeSize + i
                out.data[index] = activation.apply(input.data[index], channel: c)
            }
        }
        return out
    }

    public static func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape) differ")
        return Tensor(channels: a.channels, height: a.height, width: a.width, data: zip(a.data, b.data).map { $0 + $1 })
    }

    public static func multiply(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "multiply: shapes \(a.shape) and \(b.shape) differ")
        return Tensor(channels: a.channels, height: a.height, width: a.width, data: zip(a.data, b.data).map { $0 * $1 })
    }

    /// `F.max_pool2d(x, kernel_size=k, stride=s)` with no padding (floor mode).
    public static func maxPool2d(_ input: Tensor, kernel: Int, stride: Int) -> Tensor {
        let outH = (input.height - kernel) / stride + 1, outW = (input.width - kernel) / stride + 1
        precondition(outH > 0 && outW > 0, "max_pool2d input \(input.height)x\(input.width) is smaller than \(kernel)")
        var out = Tensor(channels: input.channels, height: outH, width: outW)
        for c in 0..<input.channels {
            for oy in 0..<outH {
                for ox in 0..<outW {
                    var best = -Float.infinity
                    for ky in 0..<kernel {
                        for kx in 0..<kernel { best = max(best, input[c, oy * stride + ky, ox * stride + kx]) }
                    }
                    out[c, oy, ox] = best
                }
            }
        }
        return out
    }

    /// `F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)`.
    public static func resizeBilinear(_ input: Tensor, height: Int, width: Int) -> Tensor {
        resizeBilinear(
            input, rows: BilinearTaps(inputSize: input.height, outputSize: height),
            columns: BilinearTaps(inputSize: input.width, outputSize: width))
    }

    /// Bilinear resize with precomputed taps (one per output row and column).
    public static func resizeBilinear(_ input: Tensor, rows ys: BilinearTaps, columns xs: BilinearTaps) -> Tensor {
        let height = ys.index0.count, width = xs.index0.count
        var out = Tensor(channels: input.channels, height: height, width: width)
        for c in 0..<input.channels {
            for y in 0..<height {
                for x in 0..<width {
                    let top = xs.weight0[x] * input[c, ys.index0[y], xs.index0[x]] + xs.weight1[x] * input[c, ys.index0[y], xs.index1[x]]
                    let bottom = xs.weight0[x] * input[c, ys.index1[y], xs.index0[x]] + xs.weight1[x] * input[c, ys.index1[y], xs.index1[x]]
                    out[c, y, x] = ys.weight0[y] * top + ys.weight1[y] * bottom
                }
            }
        }
        return out
    }

    /// `nn.PixelShuffle(r)`: [C*r*r, H, W] -> [C, H*r, W*r].
    public static func pixelShuffle(_ input: Tensor, factor r: Int) -> Tensor {
        precondition(input.channels % (r * r) == 0, "pixel shuffle needs channels divisible by \(r * r)")
        let channels = input.channels / (r * r)
        var out = Tensor(channels: channels, height: input.height * r, width: input.width * r)
        for c in 0..<channels {
            for i in 0..<r {
                for j in 0..<r {
                    for y in 0..<input.height {
                        for x in 0..<input.width { out[c, y * r + i, x * r + j] = input[c * r * r + i * r + j, y, x] }
                    }
                }
            }
        }
        return out
    }

    /// Nearest-neighbour upsampling by an integer factor (the PlainSR skip path).
    public static func upsampleNearest(_ input: Tensor, factor r: Int) -> Tensor {
        var out = Tensor(channels: input.channels, height: input.height * r, width: input.width * r)
        for c in 0..<input.channels {
            for y in 0..<out.height {
                for x in 0..<out.width { out[c, y, x] = input[c, y / r, x / r] }
            }
        }
        return out
    }
}

/// Source indices and weights of PyTorch's bilinear resize along one axis (align_corners=False):
/// src = max((dst + 0.5) * in/out - 0.5, 0), blending floor(src) and the next index (clamped).
public struct BilinearTaps: Sendable {
    public let index0: [Int], index1: [Int]
    public let weight0: [Float], weight1: [Float]

    public init(inputSize: Int, outputSize: Int) {
        let scale = Float(inputSize) / Float(outputSize)
        var i0 = [Int](), i1 = [Int](), w0 = [Float](), w1 = [Float]()
        for dst in 0..<outputSize {
            let source = max(scale * (Float(dst) + 0.5) - 0.5, 0)
            let lower = min(Int(source), inputSize - 1)
            let lambda = source - Float(lower)
            i0.append(lower)
            i1.append(lower < inputSize - 1 ? lower + 1 : lower)
            w0.append(1 - lambda)
            w1.append(lambda)
        }
        index0 = i0; index1 = i1; weight0 = w0; weight1 = w1
    }

    /// Taps for a window of a larger resize: output samples `outputOffset ..< outputOffset +
    /// outputSize` of resizing `frameInputSize` samples to `frameOutputSize`, reading from an input
    /// that holds samples `inputOffset ..< inputOffset + inputSize` of the frame's input. Taps that
    /// fall outside the window are clamped to its edge.
    public init(inputSize: Int, outputSize: Int, frameInputSize: Int, frameOutputSize: Int, inputOffset: Int, outputOffset: Int) {
        let frame = BilinearTaps(inputSize: frameInputSize, outputSize: frameOutputSize)
        let window = outputOffset..<(outputOffset + outputSize)
        func local(_ index: Int) -> Int { min(max(index - inputOffset, 0), inputSize - 1) }
        index0 = frame.index0[window].map(local)
        index1 = frame.index1[window].map(local)
        weight0 = Array(frame.weight0[window])
        weight1 = Array(frame.weight1[window])
    }
}
