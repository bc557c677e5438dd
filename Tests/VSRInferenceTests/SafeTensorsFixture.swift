import Foundation

/// A safetensors file from a hand-written JSON header and `payload` zero bytes of data.
enum SafeTensorsFixture {
    static func file(_ json: String, payload: Int = 0) -> Data {
        var data = Data()
        var length = UInt64(json.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(json.utf8))
        data.append(Data(count: payload))
        return data
    }
}
