namespace ClustSeg.Runtime.Ops;

/// <summary>Which GEMM implementation a matrix multiply uses.</summary>
public enum GemmPath
{
    /// <summary>Chosen by device: <see cref="RegisterBlocked"/> on CPU devices, <see cref="SharedTiled"/> on GPUs.</summary>
    Auto,
    /// <summary>Register blocking without shared memory (matmul_blocked.comp): what CPU implementations such as lavapipe run fastest.</summary>
    RegisterBlocked,
    /// <summary>Shared-memory tiles with per-vendor tile sizes (matmul_tiled.comp): what GPUs run fastest.</summary>
    SharedTiled,
}
