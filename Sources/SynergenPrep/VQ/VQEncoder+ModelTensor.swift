extension VQEncoder {
    /// Encodes a preprocessed batch (`ModelTensor`, `[N, 3, S, S]` in [−1, 1]).
    public func encode(_ tensor: ModelTensor, keepLatents: Bool = false) throws(VQError) -> VQEncoding {
        guard tensor.shape.count == 4, tensor.shape[1] == config.inChannels else {
            throw .invalidInput("tensor shape \(tensor.shape), expected [N, \(config.inChannels), H, W]")
        }
        return try encode(pixels: tensor.data, batch: tensor.shape[0], height: tensor.shape[2], width: tensor.shape[3],
                          keepLatents: keepLatents)
    }
}
