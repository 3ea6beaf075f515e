namespace ClustSeg.Runtime.Ops;

/// <summary>Stride, padding, dilation and groups of a 2-D convolution (per axis; <see cref="Square"/> for the usual case).</summary>
/// <param name="StrideH">Vertical stride (at least 1).</param>
/// <param name="StrideW">Horizontal stride (at least 1).</param>
/// <param name="PadH">Zero padding above and below.</param>
/// <param name="PadW">Zero padding left and right.</param>
/// <param name="DilationH">Vertical spacing of kernel taps (at least 1).</param>
/// <param name="DilationW">Horizontal spacing of kernel taps (at least 1).</param>
/// <param name="Groups">Channel groups: input and output channels are split into this many independent convolutions
/// (equal to the channel count for depthwise).</param>
public readonly record struct Conv2dGeometry(int StrideH = 1, int StrideW = 1, int PadH = 0, int PadW = 0, int DilationH = 1, int DilationW = 1, int Groups = 1)
{
    /// <summary>The same stride, padding and dilation on both axes.</summary>
    public static Conv2dGeometry Square(int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        new(stride, stride, padding, padding, dilation, dilation, groups);

    /// <summary>Output size for an input of <paramref name="height"/> x <paramref name="width"/> and a kernel of <paramref name="kernelH"/> x <paramref name="kernelW"/>.</summary>
    public (int Height, int Width) OutputSize(int height, int width, int kernelH, int kernelW) =>
        (Extent(height, kernelH, StrideH, PadH, DilationH), Extent(width, kernelW, StrideW, PadW, DilationW));

    private static int Extent(int size, int kernel, int stride, int pad, int dilation) =>
        (size + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
}
